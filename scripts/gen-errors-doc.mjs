// Regenerates docs/errors.md from the registry: node scripts/gen-errors-doc.mjs
import { register } from 'tsx/esm/api';

register();
const { ERRORS } = await import(
  new URL('../packages/protocol/src/errors.ts', import.meta.url).href
);
let out =
  '# Error codes\n\nEvery error a client can see comes from one registry (`packages/protocol/src/errors.ts`). REST errors answer with the HTTP status and a body `{"error": {"code": "...", "message": "..."}}`. Over a WebSocket, an error that does not end the socket arrives as a frame `{"type": "error", "code", "message", "clientMsgId"?, "conversationId"?}`; one that ends it closes the socket with the close code below and the code as the close reason. Codes are stable: clients may switch on them. Messages are safe to show and may be reworded.\n\n| code | HTTP | close | meaning |\n| --- | --- | --- | --- |\n';
for (const [code, e] of Object.entries(ERRORS))
  out += `| \`${code}\` | ${e.status} | ${e.close ?? '—'} | ${e.message} |\n`;
out +=
  '\nUnknown failures become `internal_error` for the client and are logged on the server by id, with message text masked and never with bodies, tokens or keys.\n';
(await import('node:fs')).writeFileSync(new URL('../docs/errors.md', import.meta.url), out);

/**
 * Runs the fake Braintree as its own process (e2e tests start it like the vault):
 * `node --import tsx apps/vault/test/fake-braintree/main.ts`, environment
 * FAKE_BRAINTREE_PORT, FAKE_BRAINTREE_WEBHOOK_URL, FAKE_BRAINTREE_MERCHANT_ID,
 * FAKE_BRAINTREE_PUBLIC_KEY, FAKE_BRAINTREE_PRIVATE_KEY. Prints
 * `fake-braintree listening <url>` on stdout. `POST /__fake/settle/:id` (body
 * `{"declined":true}` optional) settles a sale and sends its webhook;
 * `GET /__fake/transactions` and `GET /__fake/calls` show what it holds and received.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeBraintree } from './server';

const env = process.env;
const fake = new FakeBraintree(
  env.FAKE_BRAINTREE_MERCHANT_ID,
  env.FAKE_BRAINTREE_PUBLIC_KEY,
  env.FAKE_BRAINTREE_PRIVATE_KEY,
);
fake.webhookUrl = env.FAKE_BRAINTREE_WEBHOOK_URL;
await fake.start(Number(env.FAKE_BRAINTREE_PORT ?? 0));
// Test controls on a port of their own, so the fake's API stays Braintree's.
const control = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const settle = /^\/__fake\/settle\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && settle) {
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString()) as { declined?: boolean })
        : {};
      fake.settle(settle[1]!, body.declined === true).then(
        () => json(200, { ok: true }),
        (e: unknown) => json(404, { error: String(e) }),
      );
      return;
    }
    if (url.pathname === '/__fake/transactions') return json(200, fake.allTransactions());
    if (url.pathname === '/__fake/calls') return json(200, fake.calls);
    if (url.pathname === '/__fake/webhooks') return json(200, fake.webhooks);
    json(404, {});
  });
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
process.stdout.write(`fake-braintree listening ${fake.url} control ${controlUrl}\n`);
const stop = () => {
  control.close();
  fake.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// A server node as its own process, for faults that need one (kill -9, an
// escaped error). It prints one line `FAULT-CHILD-READY {"url","orgKey"}`.
// FAULT_ORG_KEY reuses an organisation after a restart.
import { loadConfig } from '../../src/config';
import { startServer } from '../../src/main';
import { bootstrapTestOrg } from '../bootstrap';
import { GENEROUS_LIMITS } from '../limits';

const config = loadConfig(
  { ...GENEROUS_LIMITS, ...process.env },
  {
    dataDir: process.env.FAULT_DATA_DIR ?? '',
    port: Number(process.env.FAULT_PORT ?? 0),
    host: '127.0.0.1',
  },
);
const server = await startServer(config, { processGuards: true });
let orgKey = process.env.FAULT_ORG_KEY;
if (!orgKey) {
  const { org } = await bootstrapTestOrg(server.store, {
    publicOrigin: new URL(server.url).origin,
  });
  orgKey = org.key;
}
process.stdout.write(`FAULT-CHILD-READY ${JSON.stringify({ url: server.url, orgKey })}\n`);
// SIGUSR2 lets an error escape every handler (the process guard's test).
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('fault suite: an escaped rejection'));
});
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});

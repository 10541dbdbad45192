/**
 * Runs the fake Stripe as its own process (e2e tests start it like the vault):
 * `node --import tsx apps/vault/test/fake-stripe/main.ts`, environment
 * FAKE_STRIPE_PORT, FAKE_STRIPE_WEBHOOK_URL, FAKE_STRIPE_WEBHOOK_SECRET,
 * FAKE_STRIPE_SECRET_KEY, FAKE_STRIPE_PUBLISHABLE_KEY. Prints
 * `fake-stripe listening <url>` on stdout.
 */
import { FakeStripe } from './server';

const env = process.env;
const fake = new FakeStripe(env.FAKE_STRIPE_SECRET_KEY, env.FAKE_STRIPE_PUBLISHABLE_KEY);
fake.webhookUrl = env.FAKE_STRIPE_WEBHOOK_URL;
fake.webhookSecret = env.FAKE_STRIPE_WEBHOOK_SECRET;
await fake.start(Number(env.FAKE_STRIPE_PORT ?? 0));
process.stdout.write(`fake-stripe listening ${fake.url}\n`);
const stop = () => {
  fake.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

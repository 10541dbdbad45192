// Issue 18 (must 7): every committed message is a `message.created` event; the endpoints
// subscribed to it are read once per organisation, event type and second, not once per message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { seedOrg, storeTargets } from '../../../test/store-fixtures';
import { createWebhookService } from './service';

const sqlite = storeTargets().find((t) => t.name === 'sqlite');

describe('chat webhooks: subscribed endpoints per event', () => {
  let store: Store;
  let orgId: string;
  beforeEach(async () => {
    if (!sqlite) throw new Error('no sqlite target');
    store = await sqlite.create();
    orgId = (await seedOrg(store)).id;
  });
  afterEach(async () => {
    await store.close();
  });

  const endpoint = (id: string) =>
    store.webhooks.createEndpoint({
      id,
      org_id: orgId,
      url: `https://example.com/${id}`,
      description: '',
      events: JSON.stringify(['message.created']),
      secret_sealed: 'sealed',
      enabled: 1,
      created_at: 1,
      created_by: 'x',
    });

  it('reads them once for a burst of events, again after a second, and queues for each', async () => {
    await endpoint('e1');
    let clock = 1_000_000;
    let reads = 0;
    const counted: Store = {
      ...store,
      webhooks: {
        ...store.webhooks,
        subscribers: (o, type) => {
          reads += 1;
          return store.webhooks.subscribers(o, type);
        },
      },
    };
    const service = createWebhookService({
      store: counted,
      policy: { resolve: () => Promise.reject(new Error('not used')) },
      log: { warn: () => undefined },
      kick: () => undefined,
      now: () => clock,
    });
    const event = (n: number) => ({
      orgId,
      type: 'message.created' as const,
      key: `message:c:${n}`,
      subject: { conversationId: 'c', seq: n },
      occurredAt: clock,
    });
    await Promise.all(Array.from({ length: 50 }, (_, n) => service.onEvent(event(n))));
    expect(reads).toBe(1);
    // An endpoint added on another node is seen within the second.
    await endpoint('e2');
    clock += 999;
    await service.onEvent(event(50));
    expect(reads).toBe(1);
    clock += 2;
    await service.onEvent(event(51));
    expect(reads).toBe(2);
    const e1 = await store.webhooks.deliveries(orgId, 'e1', 100);
    const e2 = await store.webhooks.deliveries(orgId, 'e2', 100);
    expect(e1).toHaveLength(52);
    expect(e2.map((d) => d.subject.seq)).toEqual([51]);
  });
});

import type { Metrics } from './metrics';

/**
 * Metrics at the seams main.ts wires together, so that the hot path's own
 * files stay free of exporter code: each wrapper returns the same interface
 * with one method counted. Labels are closed sets (law: no content, no ids).
 */

/** Payment frames on the bus carry the live status; terminal ones are outcomes. */
const PAYMENT_FRAME = '{"type":"payment"';
const OUTCOMES = new Set(['succeeded', 'failed', 'canceled', 'expired']);
/** A payment's card is re-published on later changes (a refund): count each outcome once. */
const SEEN_LIMIT = 10_000;

export function instrumentBus<
  B extends { publish(topic: string, event: { audience: string; frame: string }): Promise<void> },
>(bus: B, m: Metrics): B {
  const publish = bus.publish.bind(bus);
  const seen = new Set<string>();
  return Object.assign(Object.create(Object.getPrototypeOf(bus) as object) as B, bus, {
    publish(topic: string, event: { audience: string; frame: string }): Promise<void> {
      m.eventsOut.inc({ audience: event.audience });
      if (event.frame.startsWith(PAYMENT_FRAME)) {
        const status = /"status":"([a-z_]+)"/.exec(event.frame)?.[1];
        const id = /"id":"([^"]+)"/.exec(event.frame)?.[1];
        if (status && id && OUTCOMES.has(status) && !seen.has(`${id}:${status}`)) {
          if (seen.size >= SEEN_LIMIT) seen.clear();
          seen.add(`${id}:${status}`);
          m.paymentOutcomes.inc({ outcome: status });
        }
      }
      return publish(topic, event);
    },
  });
}

export function instrumentMasker<M extends { mask(...args: never[]): { masked: string[] } }>(
  masker: M,
  m: Metrics,
): M {
  const mask = masker.mask.bind(masker) as (...args: unknown[]) => { masked: string[] };
  return Object.assign(Object.create(Object.getPrototypeOf(masker) as object) as M, masker, {
    mask(...args: unknown[]) {
      const r = mask(...args);
      for (const type of r.masked) m.maskingFindings.inc({ type });
      return r;
    },
  });
}

export function instrumentCommitter<
  C extends { append(item: { senderKind: string }): Promise<unknown> },
>(committer: C, m: Metrics): C {
  const append = committer.append.bind(committer);
  return Object.assign(Object.create(Object.getPrototypeOf(committer) as object) as C, committer, {
    append(item: { senderKind: string }) {
      // A `then`, not an async wrapper: one promise less per message on the hot path.
      return append(item).then((r) => {
        m.messagesIn.inc({ sender: item.senderKind });
        return r;
      });
    },
  });
}

export function instrumentSend<S extends { send(...args: never[]): Promise<unknown> }>(
  service: S,
  m: Metrics,
): S {
  const send = service.send.bind(service) as (...args: unknown[]) => Promise<unknown>;
  return Object.assign(Object.create(Object.getPrototypeOf(service) as object) as S, service, {
    async send(...args: unknown[]) {
      const end = m.ackSeconds.startTimer();
      try {
        const r = await send(...args);
        end({ outcome: 'ack' });
        return r;
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      }
    },
  });
}

/**
 * File scan results: clean, infected, or error (the scanner could not answer;
 * the file stays "checking", law 7). Never the signature or the file's name.
 */
export function instrumentScanner<
  S extends { scan(data: Buffer): Promise<{ clean: true } | { clean: false }> },
>(scanner: S, m: Metrics): S {
  const scan = scanner.scan.bind(scanner);
  return Object.assign(Object.create(Object.getPrototypeOf(scanner) as object) as S, scanner, {
    async scan(data: Buffer) {
      try {
        const r = await scan(data);
        m.scanResults.inc({ result: r.clean ? 'clean' : 'infected' });
        return r;
      } catch (err) {
        m.scanResults.inc({ result: 'error' });
        throw err;
      }
    },
  });
}

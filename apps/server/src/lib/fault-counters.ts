/**
 * Counts of failures the server contained instead of crashing or wedging
 * (DESIGN.md law 8). A plain object so a metrics exporter can read it later;
 * every increment also goes to one log line at the place it happens.
 */
export const faultCounters = {
  /** A bus handler (one socket's delivery) threw; the others still ran. */
  busHandlerErrors: 0,
  /** A publish to the bus failed and the event went to the outbox. */
  busPublishFailures: 0,
  /** Events re-published from the outbox once the bus was back. */
  busOutboxRepublished: 0,
  /** Events dropped because the outbox was full (gap fill still delivers stored messages). */
  busOutboxDropped: 0,
  /** A bus subscription that failed and was retried, or was restored after a reconnect. */
  busResubscribes: 0,
  /** Sockets closed because their client stopped reading. */
  slowConsumerCutoffs: 0,
  /** Store calls that failed with an outage (disk full, connection lost, timeout). */
  storeUnavailable: 0,
  /** Group-commit batches that hit their deadline. */
  storeDeadlines: 0,
  /** 'error' events from pooled PostgreSQL clients. */
  pgClientErrors: 0,
  /** Errors that reached the process-level handler. */
  processFatal: 0,
};

export type FaultCounter = keyof typeof faultCounters;

export function countFault(name: FaultCounter, by = 1): void {
  faultCounters[name] += by;
}

/** A copy of the counters, for tests and exporters. */
export function faultSnapshot(): Record<FaultCounter, number> {
  return { ...faultCounters };
}

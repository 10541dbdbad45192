import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { faultSnapshot } from './fault-counters';

/**
 * The node's Prometheus metrics (issue 17, item 2), in a registry of its own
 * (several nodes in one test process do not share counters).
 *
 * The law for labels: no message content and no identifier of a person or a
 * conversation, ever. Labels are closed sets — a sender kind, a finding type,
 * a payment outcome, a route *template* — so cardinality stays bounded.
 */
export interface Metrics {
  registry: Registry;
  /** Messages committed to the store, by sender kind. */
  messagesIn: Counter<'sender'>;
  /** Events published on the bus for sockets (each fans out to every subscriber). */
  eventsOut: Counter<'audience'>;
  /** Receive-to-ack time of a chat send (mask, commit), by outcome. */
  ackSeconds: Histogram<'outcome'>;
  /** One group-commit transaction. */
  commitSeconds: Histogram;
  commitBatch: Histogram;
  /** Masking findings by type (card, held, iban, …), never their content. */
  maskingFindings: Counter<'type'>;
  /** Payment outcomes reported by the vault. */
  paymentOutcomes: Counter<'outcome'>;
  /** Requests refused by a rate limit, by where. */
  rateLimited: Counter<'scope'>;
  /** File scan results (clean, infected, error) once files land. */
  scanResults: Counter<'result'>;
  /** HTTP requests by method, route template and status class. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpSeconds: Histogram<'method' | 'route'>;
  /** Readiness probe results by dependency. */
  dependencyUp: Gauge<'dependency'>;
}

export interface MetricsSources {
  /** Live sockets by kind (visitor, agent). */
  sockets?: () => Record<string, number>;
}

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  // Process metrics, event-loop lag (nodejs_eventloop_lag_*) and GC, prefixed.
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const seconds = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const m: Metrics = {
    registry,
    messagesIn: new Counter({
      name: 'parley_messages_in_total',
      help: 'Chat messages committed to the store, by sender kind.',
      labelNames: ['sender'],
      registers: [registry],
    }),
    eventsOut: new Counter({
      name: 'parley_events_out_total',
      help: 'Events published for sockets (messages, notices, typing), by audience.',
      labelNames: ['audience'],
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'parley_ack_latency_seconds',
      help: 'Time from a send reaching the service to its acknowledgement (masking and durable commit).',
      labelNames: ['outcome'],
      buckets: seconds,
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'parley_store_commit_seconds',
      help: 'Duration of one group-commit transaction.',
      buckets: seconds,
      registers: [registry],
    }),
    commitBatch: new Histogram({
      name: 'parley_store_commit_batch_size',
      help: 'Messages per group-commit transaction.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    maskingFindings: new Counter({
      name: 'parley_masking_findings_total',
      help: 'Secrets masked or held in chat text, by type.',
      labelNames: ['type'],
      registers: [registry],
    }),
    paymentOutcomes: new Counter({
      name: 'parley_payment_outcomes_total',
      help: 'Payment outcomes reported by the vault.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'parley_rate_limited_total',
      help: 'Requests or frames refused by a rate limit.',
      labelNames: ['scope'],
      registers: [registry],
    }),
    scanResults: new Counter({
      name: 'parley_file_scan_results_total',
      help: 'Malware scan results of uploaded files.',
      labelNames: ['result'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'parley_http_requests_total',
      help: 'HTTP requests by method, route template and status class.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'parley_http_request_seconds',
      help: 'HTTP request duration by method and route template.',
      labelNames: ['method', 'route'],
      buckets: seconds,
      registers: [registry],
    }),
    dependencyUp: new Gauge({
      name: 'parley_dependency_up',
      help: '1 when the last readiness check reached the dependency, 0 when it did not.',
      labelNames: ['dependency'],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'parley_sockets',
    help: 'Open WebSocket connections by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, n] of Object.entries(sources.sockets?.() ?? {})) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'parley_faults_contained',
    help: 'Failures contained without a restart (law 8), by kind, since the process started.',
    labelNames: ['fault'],
    registers: [registry],
    collect() {
      for (const [fault, n] of Object.entries(faultSnapshot())) this.set({ fault }, n);
    },
  });
  return m;
}

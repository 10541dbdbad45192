import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VERSION } from '../version';

/**
 * Optional OpenTelemetry traces (docs/operations.md "Traces"): with an OTLP
 * endpoint configured, spans of the ingest pipeline (receive → mask → persist
 * → fan out) and of HTTP requests are exported over OTLP/HTTP. Without one
 * nothing here is created and every wrapper returns its argument: no cost.
 *
 * Attributes are closed sets only: a sender's kind, a masking finding's type,
 * an audience, a route pattern, a status, an error code. Never a message, a
 * name, an e-mail, an IP, a visitor or agent id, a token or a URL with its
 * query (law: no content, no identifiers of people); nor conversation ids.
 */
export interface Tracing {
  tracer: Tracer;
  /** The span of the current async context, if any (the context is this module's, not global). */
  active(): Span | undefined;
  /** Runs `fn` with `span` as the current span. */
  within<T>(span: Span, fn: () => T): T;
  /** Starts a span, child of the current one (or a root). */
  start(name: string, kind?: SpanKind): Span;
  /** Sends what is queued and stops. */
  shutdown(): Promise<void>;
}

/** OTLP/HTTP traces to `${endpoint}/v1/traces` (the OTEL_EXPORTER_OTLP_ENDPOINT convention). */
export function startTracing(endpoint: string | undefined): Tracing | undefined {
  if (!endpoint) return undefined;
  const exporter = new OTLPTraceExporter({
    url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
    // Law 8: every export has a deadline; a receiver that is down loses spans, never the chat.
    timeoutMillis: 5_000,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'parley-server',
      'service.version': VERSION,
    }),
    // Bounded: past 2,048 waiting spans new ones are dropped.
    spanProcessors: [
      new BatchSpanProcessor(exporter, { maxQueueSize: 2048, scheduledDelayMillis: 1000 }),
    ],
  });
  const tracer = provider.getTracer('parley');
  const contexts = new AsyncLocalStorageContextManager().enable();
  return {
    tracer,
    active: () => trace.getSpan(contexts.active()),
    within: (span, fn) => contexts.with(trace.setSpan(contexts.active(), span), fn),
    start: (name, kind = SpanKind.INTERNAL) => tracer.startSpan(name, { kind }, contexts.active()),
    async shutdown() {
      contexts.disable();
      await provider.shutdown();
    },
  };
}

/** Ends a span with the error's stable code (a ParleyError's), never its message. */
function failed(span: Span, err: unknown): void {
  const code =
    err && typeof err === 'object' && 'code' in err && typeof err.code === 'string'
      ? err.code
      : 'internal_error';
  span.setAttribute('parley.error.code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/** A copy of `o` with `over`'s methods in place of its own (as lib/instrument.ts does). */
const same = <T extends object>(o: T, over: object): T =>
  Object.assign(Object.create(Object.getPrototypeOf(o) as object) as T, o, over);

/** `parley.message.receive`: the whole send, from the frame to its ack; the parent of the rest. */
export function traceSend<S extends { send(...args: never[]): Promise<unknown> }>(
  service: S,
  t: Tracing | undefined,
): S {
  if (!t) return service;
  const send = service.send.bind(service) as (...args: unknown[]) => Promise<unknown>;
  return same(service, {
    send: async (...args: unknown[]) => {
      const span = t.start('parley.message.receive', SpanKind.SERVER);
      const actor = args[0] as { kind?: unknown } | undefined;
      if (actor?.kind === 'visitor' || actor?.kind === 'agent')
        span.setAttribute('parley.sender.kind', actor.kind);
      try {
        const r = await t.within(span, () => send(...args));
        const dup = (r as { duplicate?: unknown } | undefined)?.duplicate;
        if (typeof dup === 'boolean') span.setAttribute('parley.message.duplicate', dup);
        return r;
      } catch (err) {
        failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  });
}

/** `parley.message.mask`: the masker's pass, with how many findings of which types. */
export function traceMasker<M extends { mask(...args: never[]): { masked: string[] } }>(
  masker: M,
  t: Tracing | undefined,
): M {
  if (!t) return masker;
  const mask = masker.mask.bind(masker) as (...args: unknown[]) => { masked: string[] };
  return same(masker, {
    mask: (...args: unknown[]) => {
      if (!t.active()) return mask(...args);
      const span = t.start('parley.message.mask');
      try {
        const r = mask(...args);
        span.setAttribute('parley.masking.findings', r.masked.length);
        span.setAttribute('parley.masking.types', [...new Set(r.masked)].sort());
        return r;
      } catch (err) {
        failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  });
}

/** `parley.message.persist`: from queueing the append to its group commit. */
export function traceCommitter<
  C extends { append(item: { senderKind: string }): Promise<unknown> },
>(committer: C, t: Tracing | undefined): C {
  if (!t) return committer;
  const append = committer.append.bind(committer);
  return same(committer, {
    append: async (item: { senderKind: string }) => {
      if (!t.active()) return append(item);
      const span = t.start('parley.message.persist');
      try {
        const r = (await append(item)) as { ok?: boolean; code?: string } | undefined;
        if (r?.ok === false && r.code) failed(span, r);
        return r;
      } catch (err) {
        failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  });
}

/** `parley.message.fanout`: a publish on the bus, by audience and kind of topic (not its id). */
export function traceBus<
  B extends { publish(topic: string, event: { audience: string; frame: string }): Promise<void> },
>(bus: B, t: Tracing | undefined): B {
  if (!t) return bus;
  const publish = bus.publish.bind(bus);
  return same(bus, {
    publish: async (topic: string, event: { audience: string; frame: string }) => {
      if (!t.active()) return publish(topic, event);
      const span = t.start('parley.message.fanout', SpanKind.PRODUCER);
      span.setAttribute('parley.topic.kind', topic.slice(0, topic.indexOf(':')) || 'other');
      span.setAttribute('parley.audience', event.audience);
      span.setAttribute('parley.frame.type', /^\{"type":"([a-z_]+)"/.exec(event.frame)?.[1] ?? '');
      try {
        await publish(topic, event);
      } catch (err) {
        failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  });
}

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A SERVER span per HTTP request, named by method and route pattern
 * (`GET /api/conversations/:id`), never the URL: paths hold ids and queries
 * can hold tokens.
 */
export function traceHttp(app: FastifyInstance, t: Tracing | undefined): void {
  if (!t) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = t.start(route ? `${request.method} ${route}` : request.method, SpanKind.SERVER);
    span.setAttribute('http.request.method', request.method);
    if (route) span.setAttribute('http.route', route);
    spans.set(request, span);
    t.within(span, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
}

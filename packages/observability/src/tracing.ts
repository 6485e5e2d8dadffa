import type { IncomingHttpHeaders } from 'node:http';
import type { Context, Span, Tracer } from '@opentelemetry/api';

/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON), only when an endpoint is configured.
 * Without one nothing here loads the SDK, and every helper returns at its first line: requests
 * pay one boolean check. With one, a trace follows a request from the gateway (its server span,
 * Apollo Gateway's own plan and fetch spans) into each subgraph through the W3C `traceparent`
 * header, down to every SQL statement.
 */
type OtelApi = typeof import('@opentelemetry/api');

let api: OtelApi | undefined;
let tracer: Tracer | undefined;
let provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | undefined;

export interface TracingOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** `service.name` of the spans (OTEL_SERVICE_NAME, else the process: gateway, catalog …, omnigraph). */
  serviceName: string;
}

export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

/** Loads the SDK and makes it the process's tracer provider; once per process. */
export async function startTracing(options: TracingOptions): Promise<void> {
  if (tracer) return;
  const [otel, { NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const base = options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`;
  const exporter = new OTLPTraceExporter({ url: new URL('v1/traces', base).href });
  const nodeProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // Registers the async-hooks context manager and the W3C trace-context propagator as well.
  nodeProvider.register();
  provider = nodeProvider;
  api = otel;
  tracer = otel.trace.getTracer('@omni/observability');
}

/** Sends the spans still buffered (tests, and a graceful stop). */
export async function flushTraces(): Promise<void> {
  await provider?.forceFlush();
}

export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  api?.trace.disable();
  api?.context.disable();
  api?.propagation.disable();
  provider = undefined;
  tracer = undefined;
  api = undefined;
}

export interface ServerSpan {
  context: Context;
  end(status: number): void;
}

/** The span of one incoming request, continuing the caller's trace when it sent `traceparent`. */
export function startServerSpan(request: { method: string; path: string; headers: IncomingHttpHeaders; service: string }): ServerSpan | undefined {
  if (!tracer || !api) return undefined;
  const otel = api;
  const parent = otel.propagation.extract(otel.ROOT_CONTEXT, request.headers);
  const span = tracer.startSpan(`${request.method} ${request.path}`, { kind: otel.SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': request.path, 'omni.service': request.service } }, parent);
  return {
    context: otel.trace.setSpan(parent, span),
    end(status) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: otel.SpanStatusCode.ERROR });
      span.end();
    },
  };
}

export function runInTraceContext<T>(context: Context | undefined, fn: () => T): T {
  if (!api || !context) return fn();
  return api.context.with(context, fn);
}

/** Adds `traceparent` (and `tracestate`) of the current span to outgoing headers. */
export function injectTraceHeaders(set: (name: string, value: string) => void): void {
  if (!api) return;
  api.propagation.inject(api.context.active(), undefined, { set: (_carrier: unknown, name: string, value: string) => set(name, value) });
}

/** A span around one SQL statement: its text has placeholders, never the values. */
export function traceStatement<T>(statement: string, run: () => Promise<T>): Promise<T> {
  if (!tracer || !api) return run();
  const otel = api;
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'SQL';
  return tracer.startActiveSpan(operation, { kind: otel.SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation, 'db.query.text': statement } }, (span: Span) =>
    run().then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        span.setStatus({ code: otel.SpanStatusCode.ERROR });
        span.end();
        throw error;
      },
    ),
  );
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** The header a request id arrives in, is answered in, and is forwarded in to other services. */
export const REQUEST_ID_HEADER = 'x-request-id';

const MAX_REQUEST_ID_LENGTH = 128;
// Printable ASCII without spaces: the id lands in log lines and headers, so nothing that can
// break either (control characters, line breaks, non-ASCII that proxies rewrite).
const PRINTABLE = /^[\x21-\x7e]+$/;

/** A caller's id when it is printable and at most 128 characters, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value.length <= MAX_REQUEST_ID_LENGTH && PRINTABLE.test(value)) return value;
  return randomUUID();
}

/**
 * What every log line of one request carries, and what its access-log line and metrics learn
 * while Apollo works on it (the resolved operation name, the caller kind, the error codes).
 */
export interface RequestContext {
  requestId: string;
  service: string;
  operationName?: string;
  callerKind?: string;
  errorCodes?: string[];
}

/**
 * A request's context and the logger for the lines written while serving it, which names the
 * service and the request. The context travels explicitly (on the HTTP request, in Apollo's
 * context, to data sources and service clients): made when the request begins, its logger only
 * when a line is written, since most requests write none besides their access-log line.
 */
export interface ObservedRequest extends RequestContext {
  readonly log: Logger;
}

/**
 * `base`: the process's logger. `boundByContext`: the request also runs in the implicit context
 * below, whose lines the logger names the request on already, so no child (it would repeat both).
 */
export function createObservedRequest(service: string, requestId: string, base: Logger, boundByContext = false): ObservedRequest {
  let log: Logger | undefined = boundByContext ? base : undefined;
  return {
    requestId,
    service,
    get log() {
      return (log ??= base.child({ service, requestId }));
    },
  };
}

/*
 * Implicit context for code that has no request at hand (a subgraph's service clients and the
 * lines its services write). AsyncLocalStorage makes Node 20 run a hook on every promise of the
 * process once used, so only subgraphs enter it; the gateway never does (README, "Logs, metrics,
 * traces").
 */
const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The id of the request being served, to forward to the services it calls. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

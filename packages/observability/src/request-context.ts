import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

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

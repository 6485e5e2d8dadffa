import type { IncomingMessage } from 'node:http';
import type { ExecutionResult } from 'graphql';

/** What a follower gets, in place of the next result, once the token it subscribed with has expired. */
export const EXPIRED_SIGN_IN_MESSAGE = 'Your sign-in has expired: sign in again and subscribe anew';

/**
 * When the bearer token of a request expires, in milliseconds since the epoch; null without one.
 * Read only after the caller was resolved from the same request, which verified the token's
 * signature and refused it had it expired already: here its `exp` claim is merely read.
 */
export function bearerExpiryOf(request: IncomingMessage): number | null {
  const authorization = request.headers.authorization;
  const token = /^Bearer\s+(\S+)$/i.exec(typeof authorization === 'string' ? authorization : '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The longest delay a Node timer keeps (2^31 − 1 ms, about 24.8 days). */
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The results of a subscription until the caller's token expires; then one result with an
 * UNAUTHENTICATED error and the end. A query with that token would be refused from then on, so a
 * subscription, which re-runs queries as that caller for as long as it is open, must not outlive it.
 */
export function untilCredentialExpires(results: AsyncIterableIterator<ExecutionResult>, expiresAtMs: number | null, now: () => number = Date.now): AsyncIterableIterator<ExecutionResult> {
  if (expiresAtMs === null) return results;
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<'expired'>((resolve) => {
    // Node fires a longer timeout at once (a 30-day staff token would expire immediately): wait in steps.
    const wait = () => {
      const remaining = expiresAtMs - now();
      if (remaining <= 0) return resolve('expired');
      timer = setTimeout(wait, Math.min(remaining, LONGEST_TIMEOUT_MS));
      timer.unref();
    };
    wait();
  });
  const end = async (): Promise<IteratorResult<ExecutionResult>> => {
    clearTimeout(timer);
    await results.return?.();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      if (expired) return end();
      const next = await Promise.race([results.next(), expiry]);
      if (next !== 'expired' && now() < expiresAtMs) {
        if (next.done) clearTimeout(timer);
        return next;
      }
      expired = true;
      return { value: { errors: [{ message: EXPIRED_SIGN_IN_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] } as unknown as ExecutionResult, done: false };
    },
    return: end,
    async throw(error) {
      clearTimeout(timer);
      return (await results.throw?.(error)) ?? { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

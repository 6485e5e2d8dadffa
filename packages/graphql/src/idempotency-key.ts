/**
 * An idempotency key names one intent of one client. A blank key ("   ") would make unrelated
 * requests from careless clients replay each other's results, and control characters have no
 * place in a key a client logs and retries with.
 */
export function isUsableIdempotencyKey(key: string): boolean {
  return key.trim().length > 0 && !/[\u0000-\u001f\u007f]/.test(key);
}

export const UNUSABLE_IDEMPOTENCY_KEY = 'must not be blank or contain control characters';

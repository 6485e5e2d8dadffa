import { createHmac } from 'node:crypto';

export interface SignedWebhookOptions {
  /** The operator's email/SMS/messenger gateway. */
  url: string;
  /** Key of the HMAC-SHA256 signature, so the gateway sends only what this service asked for. */
  secret: string;
  timeoutMs: number;
}

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw body>`, the convention GitHub and Shopify webhooks use. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-omni-signature';

export const signWebhookBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * POSTs a message as signed JSON to the operator's gateway. The body gets `sentAt`, so a receiver
 * can refuse old replays. Failures name the status or the kind of network failure only: the
 * message (a code, an address) never reaches a log.
 */
export function createSignedWebhookPoster(options: SignedWebhookOptions, label: string, fetchImpl: typeof fetch = fetch) {
  return async (message: Record<string, unknown>): Promise<void> => {
    const body = JSON.stringify({ ...message, sentAt: new Date().toISOString() });
    let response: Response;
    try {
      response = await fetchImpl(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(options.secret, body) },
        body,
        // A redirect would hand the message to an address nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `request failed${typeof cause === 'string' ? ` (${cause})` : ''}`;
      throw new Error(`${label} webhook: ${reason}`);
    }
    // Drained so the connection is reused; the body is not read further.
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${label} webhook answered ${response.status}`);
  };
}

import { createHmac } from 'node:crypto';

/** One sign-in code on its way to the identifier it was asked for. */
export interface SignInCodeMessage {
  kind: string;
  value: string;
  code: string;
  expiresAt: Date;
}

/** Delivers one-time sign-in codes: email, SMS or a messenger bot in production, a log line in development. */
export interface CodeSender {
  send(message: SignInCodeMessage): Promise<void>;
}

/**
 * Prints the code: enough to sign in on a development machine. Never in production: whoever reads
 * the log could sign in as anyone (the environment refuses to start production without a webhook).
 */
export function createConsoleCodeSender(log: (line: string) => void = (line) => console.log(line)): CodeSender {
  return {
    async send({ kind, value, code, expiresAt }) {
      log(`[sign-in] code for ${kind} ${value}: ${code} (valid until ${expiresAt.toISOString()})`);
    },
  };
}

export interface WebhookCodeSenderOptions {
  /** The operator's email/SMS/messenger gateway. */
  url: string;
  /** Key of the HMAC-SHA256 signature, so the gateway sends only what this service asked for. */
  secret: string;
  timeoutMs: number;
}

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw body>`, the convention GitHub and Shopify webhooks use. */
export const CODE_WEBHOOK_SIGNATURE_HEADER = 'x-omni-signature';

export const signWebhookBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * POSTs each code as JSON to the operator's gateway, signed. The body carries `sentAt`, so a
 * receiver can refuse old replays. Failures name the status only: the code never reaches a log.
 */
export function createWebhookCodeSender(options: WebhookCodeSenderOptions, fetchImpl: typeof fetch = fetch): CodeSender {
  return {
    async send({ kind, value, code, expiresAt }) {
      const body = JSON.stringify({
        type: 'sign_in_code',
        kind,
        value,
        code,
        expiresAt: expiresAt.toISOString(),
        sentAt: new Date().toISOString(),
        text: `Your sign-in code is ${code}. It expires at ${expiresAt.toISOString()}. Never share it with anyone.`,
      });
      let response: Response;
      try {
        response = await fetchImpl(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CODE_WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(options.secret, body) },
          body,
          // A redirect would hand the code to an address nobody configured.
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        // Only the kind of failure is kept: the request, and so the code, must not end up in a log.
        const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
        const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `request failed${typeof cause === 'string' ? ` (${cause})` : ''}`;
        throw new Error(`sign-in code webhook: ${reason}`);
      }
      // Drained so the connection is reused; the body is not read further.
      await response.body?.cancel();
      if (!response.ok) throw new Error(`sign-in code webhook answered ${response.status}`);
    },
  };
}

/** Which sender the environment asks for (see env.ts). */
export type CodeSenderConfig = { kind: 'console' } | ({ kind: 'webhook' } & WebhookCodeSenderOptions);

export function createCodeSender(config: CodeSenderConfig): CodeSender {
  return config.kind === 'webhook' ? createWebhookCodeSender(config) : createConsoleCodeSender();
}

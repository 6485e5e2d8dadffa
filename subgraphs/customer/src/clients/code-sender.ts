import { logger } from '@omni/graphql';
import { createSignedWebhookPoster, type SignedWebhookOptions } from './signed-webhook';

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
export function createConsoleCodeSender(log: (line: string) => void = (line) => logger.info({ service: 'customer' }, line)): CodeSender {
  return {
    async send({ kind, value, code, expiresAt }) {
      log(`[sign-in] code for ${kind} ${value}: ${code} (valid until ${expiresAt.toISOString()})`);
    },
  };
}

export type WebhookCodeSenderOptions = SignedWebhookOptions;

/** POSTs each code as signed JSON to the operator's gateway (see signed-webhook.ts). */
export function createWebhookCodeSender(options: WebhookCodeSenderOptions, fetchImpl: typeof fetch = fetch): CodeSender {
  const post = createSignedWebhookPoster(options, 'sign-in code', fetchImpl);
  return {
    async send({ kind, value, code, expiresAt }) {
      await post({
        type: 'sign_in_code',
        kind,
        value,
        code,
        expiresAt: expiresAt.toISOString(),
        text: `Your sign-in code is ${code}. It expires at ${expiresAt.toISOString()}. Never share it with anyone.`,
      });
    },
  };
}

/** Which sender the environment asks for (see env.ts). */
export type CodeSenderConfig = { kind: 'console' } | ({ kind: 'webhook' } & WebhookCodeSenderOptions);

export function createCodeSender(config: CodeSenderConfig): CodeSender {
  return config.kind === 'webhook' ? createWebhookCodeSender(config) : createConsoleCodeSender();
}

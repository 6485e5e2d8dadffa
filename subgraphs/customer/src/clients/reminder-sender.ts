import { logger } from '@omni/graphql';
import { createSignedWebhookPoster, type SignedWebhookOptions } from './signed-webhook';

/** One cart reminder to one contact point the customer allowed marketing on. */
export interface CartReminder {
  customerId: string;
  cartId: string;
  /** The consent channel it goes out on, e.g. `EMAIL` or `TELEGRAM`. */
  contactChannel: string;
  /** The address on that channel: an email address, a phone number, a messenger id. */
  address: string;
  message: string;
}

/** Delivers cart reminders: an email service, SMS gateway or messenger bot in production, a log line by default. */
export interface ReminderSender {
  send(reminder: CartReminder): Promise<void>;
}

/**
 * Prints the reminder: shows on a development machine what would go out. Never in production,
 * where the address and the customer would land in the log.
 */
export function createConsoleReminderSender(log: (line: string) => void = (line) => logger.info({ service: 'customer' }, line)): ReminderSender {
  return {
    async send({ contactChannel, address, message }) {
      log(`[cart reminder] ${contactChannel} ${address}: ${message}`);
    },
  };
}

/** POSTs each reminder as signed JSON to the operator's messaging gateway (see signed-webhook.ts). */
export function createWebhookReminderSender(options: SignedWebhookOptions, fetchImpl: typeof fetch = fetch): ReminderSender {
  const post = createSignedWebhookPoster(options, 'cart reminder', fetchImpl);
  return {
    async send({ customerId, cartId, contactChannel, address, message }) {
      await post({ type: 'cart_reminder', customerId, cartId, contactChannel, address, text: message });
    },
  };
}

/**
 * Which sender the environment asks for (see env.ts). `off` sends nothing and plans nothing, so
 * the timeline never claims a reminder that did not go out.
 */
export type ReminderSenderConfig = { kind: 'console' } | { kind: 'off' } | ({ kind: 'webhook' } & SignedWebhookOptions);

export function createReminderSender(config: ReminderSenderConfig): ReminderSender | null {
  switch (config.kind) {
    case 'webhook':
      return createWebhookReminderSender(config);
    case 'console':
      return createConsoleReminderSender();
    case 'off':
      return null;
  }
}

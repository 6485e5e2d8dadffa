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

/** Prints the reminder: shows on a development machine what would go out, never for production. */
export function createConsoleReminderSender(log: (line: string) => void = (line) => console.log(line)): ReminderSender {
  return {
    async send({ contactChannel, address, message }) {
      log(`[cart reminder] ${contactChannel} ${address}: ${message}`);
    },
  };
}

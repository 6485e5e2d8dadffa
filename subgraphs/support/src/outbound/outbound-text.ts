/** What the customer reads in their messenger: the message, and the code it hands over on a line of its own. */
export function outboundText(message: { body: string; offerCode: string | null }): string {
  return message.offerCode ? `${message.body}\n\n${message.offerCode}` : message.body;
}

/**
 * What a support message is on the timeline. A call an agent logged for the customer arrives as a
 * customer's message with provider PHONE: that is a CALL_LOGGED touchpoint, every other message
 * (agent replies in a phone conversation included) is MESSAGE_SENT.
 */
export function messageTouchpoint(message: { provider?: string | null; authorKind: string }): { kind: 'CALL_LOGGED' | 'MESSAGE_SENT'; summary: string } {
  if (message.authorKind === 'CUSTOMER' && message.provider === 'PHONE') return { kind: 'CALL_LOGGED', summary: 'Called the call center' };
  if (message.authorKind === 'CUSTOMER') return { kind: 'MESSAGE_SENT', summary: 'Sent a message' };
  return { kind: 'MESSAGE_SENT', summary: `Received a message (${message.authorKind.toLowerCase()})` };
}

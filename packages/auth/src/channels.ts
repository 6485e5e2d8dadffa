/**
 * Sales and contact channels a caller can act in. Messenger and social providers
 * (Telegram, VK, WhatsApp…) are data on identities and conversations, not channels of their own.
 */
export const CHANNELS = [
  'WEB',
  'MOBILE_APP',
  'POS',
  'SOCIAL',
  'MESSENGER',
  'CALL_CENTER',
  'EMAIL',
  'MARKETPLACE',
] as const;

export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

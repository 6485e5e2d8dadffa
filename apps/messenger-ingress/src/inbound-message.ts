import type { Channel } from '@omni/auth';

/** Providers a message can arrive from; the support subgraph's `MessengerProvider` (PHONE is logged by agents, never a webhook). */
export type MessengerProvider = 'TELEGRAM' | 'WHATSAPP' | 'VK' | 'WEB_CHAT';

/** A file or picture sent with a message, as a reference the provider understands. */
export interface InboundAttachment {
  kind: 'photo' | 'document';
  /** Where the file can be fetched (https), never with a credential in it. */
  url: string;
  name?: string;
}

/** One message from any provider in the shape of the support subgraph's `InboundMessageInput`. */
export interface InboundMessage {
  channel: Channel;
  provider: MessengerProvider;
  /** The provider's id of the sender, in the form the customer subgraph stores identities. */
  senderExternalId: string;
  senderName?: string;
  /** The provider's chat the message belongs to: replies go there. */
  threadId: string;
  text: string;
  attachments: InboundAttachment[];
  /** ISO 8601. */
  sentAt: string;
  /** Unique per provider; the support subgraph stores a message once per (provider, this id). */
  providerMessageId: string;
}

/**
 * What a provider payload amounts to. `ignored` covers updates we do not handle (stickers,
 * delivery receipts, edits of channel posts): they are acknowledged, because providers retry
 * every non-2xx answer. `malformed` is a payload that does not follow the provider's format.
 */
export type ParsedPayload =
  | { kind: 'messages'; messages: InboundMessage[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'malformed'; reason: string };

/** Text stored for a message that carries only files, so the conversation still shows something. */
export function placeholderText(attachments: readonly InboundAttachment[]): string {
  return attachments.map((attachment) => (attachment.kind === 'photo' ? '[photo]' : `[document${attachment.name ? `: ${attachment.name}` : ''}]`)).join(' ');
}

/** Unix seconds as ISO 8601. */
export function isoFromUnixSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

import { createServiceClient } from '@omni/graphql';
import type { InboundMessage } from './inbound-message';

export interface UserErrorAnswer {
  code: string;
  message: string;
  field?: string[] | null;
}

export interface ReceivedMessage {
  conversationId: string | null;
  messageId: string | null;
  customerId: string | null;
  duplicate: boolean;
  conversationStatus: string | null;
  userErrors: UserErrorAnswer[];
}

export type HandOffReason = 'CUSTOMER_ASKED' | 'UNKNOWN_INTENT' | 'REPEATED_FAILURE';

/** The support subgraph's internal operations this service calls, signed as the `messenger` service. */
export interface SupportClient {
  receiveInboundMessage(message: InboundMessage): Promise<ReceivedMessage>;
  postBotMessage(input: { conversationId: string; text: string; intent?: string }): Promise<{ userErrors: UserErrorAnswer[] }>;
  handOffConversation(input: { conversationId: string; reason: HandOffReason; summary: string }): Promise<{ userErrors: UserErrorAnswer[] }>;
}

const RECEIVE = /* GraphQL */ `
  mutation ReceiveInboundMessage($input: InboundMessageInput!) {
    receiveInboundMessage(input: $input) {
      conversationId
      messageId
      customerId
      duplicate
      conversationStatus
      userErrors { code message field }
    }
  }
`;

const POST_BOT_MESSAGE = /* GraphQL */ `
  mutation PostBotMessage($input: PostBotMessageInput!) {
    postBotMessage(input: $input) { userErrors { code message field } }
  }
`;

const HAND_OFF = /* GraphQL */ `
  mutation HandOffConversation($input: HandOffConversationInput!) {
    handOffConversation(input: $input) { userErrors { code message field } }
  }
`;

export function createSupportClient(options: { supportUrl: string | (() => string); signingSecret: string }): SupportClient {
  const client = createServiceClient({ service: 'messenger', url: options.supportUrl, signingSecret: options.signingSecret });
  return {
    async receiveInboundMessage(message) {
      const { attachments, ...rest } = message;
      const input = { ...rest, attachments: attachments.map(({ kind, url, name }) => ({ kind, url, name: name ?? null })) };
      const data = await client.request<{ receiveInboundMessage: ReceivedMessage }>(RECEIVE, { input }, message.channel);
      return data.receiveInboundMessage;
    },
    async postBotMessage(input) {
      const data = await client.request<{ postBotMessage: { userErrors: UserErrorAnswer[] } }>(POST_BOT_MESSAGE, { input }, 'MESSENGER');
      return data.postBotMessage;
    },
    async handOffConversation(input) {
      const data = await client.request<{ handOffConversation: { userErrors: UserErrorAnswer[] } }>(HAND_OFF, { input }, 'MESSENGER');
      return data.handOffConversation;
    },
  };
}

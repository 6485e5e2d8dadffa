import type { DomainEventWire } from '@omni/events';
import type { Outcome } from '@omni/graphql';
import type { SupportContext } from '../context';
import type { ConversationRow } from '../db/schema';
import { startConversation, type StartConversationInput } from '../services/conversation-service';
import { handOffConversation, postBotMessage, type HandOffInput, type PostBotMessageInput } from '../services/bot-service';
import { logCustomerContact, receiveInboundMessage, type InboundMessageInput, type InboundResult, type LogCustomerContactInput } from '../services/inbound-service';
import {
  assignConversation,
  closeConversation,
  resolveConversation,
  takeConversation,
  transferConversation,
  type ConversationIdInput,
  type StaffTargetInput,
} from '../services/inbox-service';
import { sendMessage, type SendMessageInput } from '../services/message-service';
import { eraseCustomerConversations } from '../services/personal-data-service';
import { receiveSupportEvents } from '../services/customer-event-service';

const written = <T extends object>(outcome: Outcome<T>) =>
  outcome.ok ? { ...outcome.value, userErrors: [] } : { conversation: null, message: null, userErrors: outcome.userErrors };

const changed = (outcome: Outcome<ConversationRow>) =>
  outcome.ok ? { conversation: outcome.value, userErrors: [] } : { conversation: null, userErrors: outcome.userErrors };

const inbound = (outcome: Outcome<InboundResult>) =>
  outcome.ok
    ? {
        conversationId: outcome.value.message.conversationId,
        messageId: outcome.value.message.id,
        customerId: outcome.value.conversation?.customerId ?? null,
        duplicate: outcome.value.duplicate,
        conversationStatus: outcome.value.conversation?.status ?? null,
        userErrors: [],
      }
    : { conversationId: null, messageId: null, customerId: null, duplicate: false, conversationStatus: null, userErrors: outcome.userErrors };

export const Mutation = {
  async eraseCustomerConversations(_: unknown, args: { customerIds: string[] }, ctx: SupportContext) {
    return { erased: await eraseCustomerConversations(ctx, args.customerIds) };
  },
  async receiveSupportEvents(_: unknown, args: { events: DomainEventWire[] }, ctx: SupportContext) {
    return { accepted: await receiveSupportEvents(ctx, args.events) };
  },
  receiveInboundMessage: async (_: unknown, args: { input: InboundMessageInput }, ctx: SupportContext) => inbound(await receiveInboundMessage(ctx, args.input)),
  logCustomerContact: async (_: unknown, args: { input: LogCustomerContactInput }, ctx: SupportContext) => inbound(await logCustomerContact(ctx, args.input)),
  postBotMessage: async (_: unknown, args: { input: PostBotMessageInput }, ctx: SupportContext) => written(await postBotMessage(ctx, args.input)),
  handOffConversation: async (_: unknown, args: { input: HandOffInput }, ctx: SupportContext) => written(await handOffConversation(ctx, args.input)),
  startConversation: async (_: unknown, args: { input: StartConversationInput }, ctx: SupportContext) => written(await startConversation(ctx, args.input)),
  sendMessage: async (_: unknown, args: { input: SendMessageInput }, ctx: SupportContext) => written(await sendMessage(ctx, args.input)),
  takeConversation: async (_: unknown, args: { input: ConversationIdInput }, ctx: SupportContext) => changed(await takeConversation(ctx, args.input)),
  assignConversation: async (_: unknown, args: { input: StaffTargetInput }, ctx: SupportContext) => changed(await assignConversation(ctx, args.input)),
  transferConversation: async (_: unknown, args: { input: StaffTargetInput }, ctx: SupportContext) => changed(await transferConversation(ctx, args.input)),
  resolveConversation: async (_: unknown, args: { input: ConversationIdInput }, ctx: SupportContext) => changed(await resolveConversation(ctx, args.input)),
  closeConversation: async (_: unknown, args: { input: ConversationIdInput }, ctx: SupportContext) => changed(await closeConversation(ctx, args.input)),
};

import type { SupportContext } from '../context';
import {
  closeConversation,
  startConversation,
  type CloseConversationInput,
  type StartConversationInput,
} from '../services/conversation-service';
import { sendMessage, type SendMessageInput } from '../services/message-service';
import { eraseCustomerConversations } from '../services/personal-data-service';
import { receiveSupportEvents } from '../services/customer-event-service';
import type { DomainEventWire } from '@omni/events';

export const Mutation = {
  async eraseCustomerConversations(_: unknown, args: { customerIds: string[] }, ctx: SupportContext) {
    return { erased: await eraseCustomerConversations(ctx, args.customerIds) };
  },
  async receiveSupportEvents(_: unknown, args: { events: DomainEventWire[] }, ctx: SupportContext) {
    return { accepted: await receiveSupportEvents(ctx, args.events) };
  },
  async startConversation(_: unknown, args: { input: StartConversationInput }, ctx: SupportContext) {
    const outcome = await startConversation(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { conversation: null, message: null, userErrors: outcome.userErrors };
  },
  async sendMessage(_: unknown, args: { input: SendMessageInput }, ctx: SupportContext) {
    const outcome = await sendMessage(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { conversation: null, message: null, userErrors: outcome.userErrors };
  },
  async closeConversation(_: unknown, args: { input: CloseConversationInput }, ctx: SupportContext) {
    const outcome = await closeConversation(ctx, args.input);
    return outcome.ok ? { conversation: outcome.value, userErrors: [] } : { conversation: null, userErrors: outcome.userErrors };
  },
};

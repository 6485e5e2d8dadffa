import { DEMO_EPOCH, demoConversation } from '@omni/demo-data';
import type { SupportDb } from './db/database';
import { conversations, messages, type ConversationStatus } from './db/schema';

/** Loads Anna's Telegram conversation; safe to run again (existing rows are left alone). */
export async function seedSupportDemoData(db: SupportDb): Promise<void> {
  const conversation = demoConversation();
  const at = (minutes: number) => new Date(DEMO_EPOCH.getTime() + minutes * 60_000);
  const last = conversation.messages.at(-1)!;
  const lastAgent = conversation.messages.findLast((message) => message.author === 'AGENT');
  const lastHuman = conversation.messages.findLast((message) => message.author !== 'BOT');
  // An agent who answered has the conversation; otherwise a customer who wrote after the bot waits for one.
  const status: ConversationStatus = lastAgent ? 'ASSIGNED' : lastHuman?.author === 'CUSTOMER' ? 'WAITING_FOR_AGENT' : 'BOT';
  const firstAgent = conversation.messages.find((message) => message.author === 'AGENT');

  await db.transaction(async (tx) => {
    await tx
      .insert(conversations)
      .values({
        id: conversation.id,
        customerId: conversation.customerId,
        channel: conversation.channel,
        provider: conversation.provider,
        subject: conversation.subject,
        status,
        assigneeStaffId: lastAgent?.staffId ?? null,
        messageCount: conversation.messages.length,
        createdAt: at(0),
        lastMessageAt: at(last.minutesAfterStart),
        waitingSince: status === 'WAITING_FOR_AGENT' ? at(last.minutesAfterStart) : null,
        firstResponseAt: firstAgent ? at(firstAgent.minutesAfterStart) : null,
      })
      .onConflictDoNothing();
    await tx
      .insert(messages)
      .values(
        conversation.messages.map((message, index) => ({
          id: message.id,
          conversationId: conversation.id,
          seq: index + 1,
          authorKind: message.author,
          staffId: message.staffId ?? null,
          body: message.body,
          channel: conversation.channel,
          sentAt: at(message.minutesAfterStart),
        })),
      )
      .onConflictDoNothing();
  });
}

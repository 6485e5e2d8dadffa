import { eq } from 'drizzle-orm';
import type { SupportDb } from './database';
import { conversations } from './schema';

/** Conversations keep their messages and order; only whose they are changes. Returns how many moved. */
export async function moveConversationsToCustomer(tx: SupportDb, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const moved = await tx
    .update(conversations)
    .set({ customerId: toCustomerId })
    .where(eq(conversations.customerId, fromCustomerId))
    .returning({ id: conversations.id });
  return moved.length;
}

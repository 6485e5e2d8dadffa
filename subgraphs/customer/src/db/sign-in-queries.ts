import { eq, sql } from 'drizzle-orm';
import { signInChallenges, type SignInChallengeRow } from './schema';
import type { CustomerDb } from './database';

export async function insertSignInChallenge(db: CustomerDb, row: typeof signInChallenges.$inferInsert): Promise<SignInChallengeRow> {
  const [created] = await db.insert(signInChallenges).values(row).returning();
  return created!;
}

export async function lockSignInChallenge(tx: CustomerDb, id: string): Promise<SignInChallengeRow | null> {
  const [row] = await tx.select().from(signInChallenges).where(eq(signInChallenges.id, id)).for('update');
  return row ?? null;
}

export async function countFailedAttempt(db: CustomerDb, id: string): Promise<void> {
  await db.update(signInChallenges).set({ attempts: sql`${signInChallenges.attempts} + 1` }).where(eq(signInChallenges.id, id));
}

export async function consumeSignInChallenge(tx: CustomerDb, id: string, now: Date): Promise<void> {
  await tx.update(signInChallenges).set({ consumedAt: now }).where(eq(signInChallenges.id, id));
}

export async function findSignInChallenge(db: CustomerDb, id: string): Promise<SignInChallengeRow | null> {
  const [row] = await db.select().from(signInChallenges).where(eq(signInChallenges.id, id));
  return row ?? null;
}

import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
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

/**
 * Takes one of the challenge's attempts before its code is compared, in one statement: concurrent
 * checks queue on the row and only the first `maxAttempts` get one, so no race checks more codes
 * than allowed. Null when the challenge is unknown, used, expired or out of attempts.
 */
export async function reserveSignInAttempt(db: CustomerDb, id: string, maxAttempts: number): Promise<SignInChallengeRow | null> {
  const [row] = await db
    .update(signInChallenges)
    .set({ attempts: sql`${signInChallenges.attempts} + 1` })
    .where(and(eq(signInChallenges.id, id), lt(signInChallenges.attempts, maxAttempts), isNull(signInChallenges.consumedAt), gt(signInChallenges.expiresAt, sql`now()`)))
    .returning();
  return row ?? null;
}

export async function consumeSignInChallenge(tx: CustomerDb, id: string, now: Date): Promise<void> {
  await tx.update(signInChallenges).set({ consumedAt: now }).where(eq(signInChallenges.id, id));
}

/** A challenge whose code never reached anyone is closed, so no later guess can match it. */
export async function discardSignInChallenge(db: CustomerDb, id: string, now: Date): Promise<void> {
  await db.update(signInChallenges).set({ consumedAt: now }).where(eq(signInChallenges.id, id));
}

export async function findSignInChallenge(db: CustomerDb, id: string): Promise<SignInChallengeRow | null> {
  const [row] = await db.select().from(signInChallenges).where(eq(signInChallenges.id, id));
  return row ?? null;
}

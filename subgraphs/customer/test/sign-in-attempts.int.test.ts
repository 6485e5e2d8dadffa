import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES_BY_KIND, type Caller } from '@omni/auth';
import { expectData, onPostgresServer } from '@omni/testing';
import type { CodeSender } from '../src/clients/code-sender';
import { MAX_SIGN_IN_ATTEMPTS } from '../src/services/sign-in-service';
import { startCustomerHarness, type CustomerHarness } from './support/customer-harness';

/**
 * Guessing races: many checks of one challenge at the same time, each from its own client as a
 * botnet would send them. Real concurrent transactions exist only on a Postgres server.
 */
const sent: { value: string; code: string }[] = [];
const codeSender: CodeSender = { send: async ({ value, code }) => void sent.push({ value, code }) };
let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness({ codeSender });
});
afterAll(async () => {
  await h?.stop();
});

const REQUEST = `mutation($input: RequestSignInCodeInput!) { requestSignInCode(input: $input) { challengeId userErrors { code } } }`;
const SIGN_IN = `mutation($input: SignInWithCodeInput!) { signInWithCode(input: $input) { accessToken userErrors { code } } }`;
const fromAddress = (clientAddress: string) => h.as({ kind: 'anonymous', channel: 'WEB', clientAddress, scopes: [...SCOPES_BY_KIND.anonymous] } satisfies Caller);
const wrongCodes = (code: string, count: number) =>
  Array.from({ length: count }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));

/** PGlite answers `{ rows }`, postgres.js an array of rows. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];

async function newChallenge(telegramId: string) {
  const requested = expectData(await fromAddress('198.18.0.1')(REQUEST, { input: { kind: 'TELEGRAM', value: telegramId } })).requestSignInCode;
  expect(requested.userErrors).toEqual([]);
  return { challengeId: requested.challengeId as string, code: sent.at(-1)!.code };
}

/** Sends every code at once, each from its own address; answers the first user error code, or SIGNED_IN. */
async function raceChecks(challengeId: string, codes: string[], round: number): Promise<string[]> {
  const payloads = await Promise.all(
    codes.map(async (code, i) => expectData(await fromAddress(`198.19.${round}.${i}`)(SIGN_IN, { input: { challengeId, code } })).signInWithCode),
  );
  return payloads.map((payload) => (payload.accessToken ? 'SIGNED_IN' : payload.userErrors[0].code));
}

async function attemptsOf(challengeId: string): Promise<number> {
  const [row] = rowsOf<{ attempts: number }>(await h.database.db.execute(sql`select attempts from customer.sign_in_challenges where id = ${challengeId}`));
  return row!.attempts;
}

const count = (outcomes: string[], outcome: string) => outcomes.filter((o) => o === outcome).length;

describe.skipIf(!onPostgresServer())('concurrent guesses of one sign-in code', () => {
  it(`compares at most ${MAX_SIGN_IN_ATTEMPTS} of 100 concurrent wrong codes`, async () => {
    const { challengeId, code } = await newChallenge('7770001');
    const outcomes = await raceChecks(challengeId, wrongCodes(code, 100), 0);
    // INVALID is the answer of a code that was compared; the others were refused before comparing.
    expect(count(outcomes, 'INVALID')).toBe(MAX_SIGN_IN_ATTEMPTS);
    expect(count(outcomes, 'INVALID_STATE') + count(outcomes, 'RATE_LIMITED')).toBe(100 - MAX_SIGN_IN_ATTEMPTS);
    expect(await attemptsOf(challengeId)).toBe(MAX_SIGN_IN_ATTEMPTS);
    console.info(`100 concurrent wrong codes: ${count(outcomes, 'INVALID')} compared, ${count(outcomes, 'INVALID_STATE')} out of attempts, ${count(outcomes, 'RATE_LIMITED')} over the identifier's limit`);
  });

  it(`never compares more than ${MAX_SIGN_IN_ATTEMPTS} codes when 11 wrong and 1 right race, in 10 rounds`, async () => {
    // Every compared code took an attempt first, so the attempts column counts the comparisons.
    const compared: number[] = [];
    let signedIn = 0;
    for (let round = 1; round <= 10; round += 1) {
      const { challengeId, code } = await newChallenge(`77710${String(round).padStart(2, '0')}`);
      const outcomes = await raceChecks(challengeId, [...wrongCodes(code, 11), code], round);
      compared.push(await attemptsOf(challengeId));
      signedIn += count(outcomes, 'SIGNED_IN');
      expect(count(outcomes, 'SIGNED_IN')).toBeLessThanOrEqual(1);
    }
    console.info(`11 wrong + 1 right, 10 rounds: codes compared per round ${compared.join(', ')}; signed in ${signedIn} of 10`);
    expect(Math.max(...compared)).toBeLessThanOrEqual(MAX_SIGN_IN_ATTEMPTS);
  });
});

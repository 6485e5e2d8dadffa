import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { mintAccessToken } from '@omni/auth';
import { newId } from '@omni/db';
import { publishEvent } from '@omni/events';
import { fail, requireScope, succeed, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { consumeSignInChallenge, countFailedAttempt, findSignInChallenge, insertSignInChallenge, lockSignInChallenge } from '../db/sign-in-queries';
import { outboxEvents, type CustomerRow } from '../db/schema';
import { normaliseCandidates, resolveIdentifiers } from './identity-service';
import { normaliseIdentifier, type CandidateIdentifier } from './identity-rules';

export const SIGN_IN_CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_SIGN_IN_ATTEMPTS = 5;
/** Identifiers a code can be sent to. */
const SIGN_IN_KINDS = ['EMAIL', 'PHONE', 'TELEGRAM', 'VK', 'WHATSAPP'] as const;

const hashCode = (challengeId: string, code: string) => createHash('sha256').update(`${challengeId}:${code}`).digest('hex');

const requestInput = z.object({
  kind: z.enum(SIGN_IN_KINDS),
  value: z.string().max(320),
  region: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 country code such as "DE"').nullish(),
});
export type RequestSignInCodeInput = z.input<typeof requestInput>;

/**
 * Sends a 6-digit code to the identifier through the configured sender. Anyone may ask (that is
 * how a guest signs in); the answer does not reveal whether the identifier belongs to anyone.
 */
export async function requestSignInCode(ctx: CustomerContext, rawInput: RequestSignInCodeInput): Promise<Outcome<{ challengeId: string; expiresAt: Date }>> {
  // Shopper-facing clients only: a partner key reads the catalog and nothing else.
  requireScope(ctx.caller, 'storefront:read');
  const parsed = requestInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const normalised = normaliseIdentifier(input.kind, input.value, input.region);
  if (!normalised.ok) return fail(userError('INVALID', `${input.kind}: ${normalised.message}`, ['input', 'value']));
  const id = newId('signin');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(Date.now() + SIGN_IN_CODE_TTL_MS);
  await insertSignInChallenge(ctx.db, {
    id,
    kind: input.kind,
    value: normalised.value,
    codeHash: hashCode(id, code),
    channel: ctx.caller.channel,
    guestId: ctx.caller.kind === 'guest' ? (ctx.caller.guestId ?? null) : null,
    expiresAt,
  });
  await ctx.codeSender.send({ kind: input.kind, value: normalised.value, code, expiresAt });
  return succeed({ challengeId: id, expiresAt });
}

const signInInput = z.object({ challengeId: z.string().min(1).max(100), code: z.string().regex(/^\d{6}$/, 'must be the 6 digits sent') });
export type SignInWithCodeInput = z.input<typeof signInInput>;

class SignInRefused extends Error {
  constructor(readonly outcome: Outcome<never>, readonly countAttempt: boolean) {
    super('refused');
  }
}

/**
 * Checks the code and signs the person in: the identifier is now verified, so it resolves (or
 * creates, or merges) the customer like any verified identifier, and a guest's anonymous id is
 * linked to them. Returns a customer access token the gateway accepts.
 */
export async function signInWithCode(ctx: CustomerContext, rawInput: SignInWithCodeInput): Promise<Outcome<{ accessToken: string; customer: CustomerRow }>> {
  requireScope(ctx.caller, 'storefront:read');
  const parsed = signInInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const invalid = fail(userError('INVALID', 'The code is wrong or has expired; ask for a new one', ['input', 'code']));

  const challenge = await findSignInChallenge(ctx.db, input.challengeId);
  if (!challenge) return invalid;
  const now = new Date();
  if (challenge.consumedAt || challenge.expiresAt <= now) return invalid;
  if (challenge.attempts >= MAX_SIGN_IN_ATTEMPTS) {
    return fail(userError('INVALID_STATE', 'Too many wrong codes; ask for a new one', ['input', 'code']));
  }
  const expected = Buffer.from(challenge.codeHash, 'hex');
  const given = Buffer.from(hashCode(challenge.id, input.code), 'hex');
  if (!timingSafeEqual(expected, given)) {
    await countFailedAttempt(ctx.db, challenge.id);
    return invalid;
  }

  const identifiers: { kind: CandidateIdentifier['kind']; value: string; verified: boolean }[] = [
    { kind: challenge.kind as CandidateIdentifier['kind'], value: challenge.value, verified: true },
  ];
  if (challenge.guestId && normaliseIdentifier('DEVICE', challenge.guestId).ok) identifiers.push({ kind: 'DEVICE', value: challenge.guestId, verified: false });
  const candidates = normaliseCandidates(identifiers);
  if (!candidates.ok) return invalid;

  try {
    const result = await resolveIdentifiers(ctx, candidates.value, { firstName: null, lastName: null, touchpoint: null }, async (tx, resolved) => {
      // Consumed in the transaction that links the identity: two sign-ins with one code cannot both win.
      const locked = await lockSignInChallenge(tx, challenge.id);
      if (!locked || locked.consumedAt) throw new SignInRefused(invalid, false);
      await consumeSignInChallenge(tx, challenge.id, now);
      await publishEvent(tx, outboxEvents, {
        type: 'customer.signed_in',
        aggregateId: resolved.customer.id,
        payload: { customerId: resolved.customer.id, guestId: challenge.guestId, channel: challenge.channel },
        occurredAt: now,
      });
    });
    const accessToken = await mintAccessToken(ctx.tokenSecret, { role: 'customer', sub: result.customer.id, channel: ctx.caller.channel });
    return succeed({ accessToken, customer: result.customer });
  } catch (error) {
    if (error instanceof SignInRefused) return error.outcome;
    throw error;
  }
}

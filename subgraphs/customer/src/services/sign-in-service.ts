import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { mintAccessToken } from '@omni/auth';
import { newId } from '@omni/db';
import { publishEvent } from '@omni/events';
import { fail, requireScope, succeed, userError, userErrorsFromIssues, logger, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { consumeSignInChallenge, discardSignInChallenge, findSignInChallenge, insertSignInChallenge, lockSignInChallenge, reserveSignInAttempt } from '../db/sign-in-queries';
import { outboxEvents, type CustomerRow } from '../db/schema';
import { normaliseCandidates, resolveIdentifiers } from './identity-service';
import { normaliseIdentifier, type CandidateIdentifier } from './identity-rules';
import { takeRateLimits, type RateLimitRefusal } from './rate-limit-service';
import { clientSubject, CODE_CHECK_LIMITS, CODE_REQUEST_LIMITS, identifierSubject, refusalMessage } from './sign-in-limits';

export const SIGN_IN_CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_SIGN_IN_ATTEMPTS = 5;
/** Identifiers a code can be sent to. */
const SIGN_IN_KINDS = ['EMAIL', 'PHONE', 'TELEGRAM', 'VK', 'WHATSAPP'] as const;

/**
 * Keyed with the token secret: a million codes are quickly tried against a plain hash, so a leaked
 * table (or SQL log) must not give the codes away.
 */
const hashCode = (secret: string, challengeId: string, code: string) => createHmac('sha256', secret).update(`${challengeId}:${code}`).digest('hex');

const rateLimited = (refusal: RateLimitRefusal, field?: string[]) => fail(userError('RATE_LIMITED', refusalMessage(refusal.limit, refusal.retryAt, new Date()), field));

const requestInput = z.object({
  kind: z.enum(SIGN_IN_KINDS),
  value: z.string().max(320),
  region: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 country code such as "DE"').nullish(),
});
export type RequestSignInCodeInput = z.input<typeof requestInput>;

/**
 * Sends a 6-digit code to the identifier through the configured sender. Anyone may ask (that is
 * how a guest signs in); the answer does not reveal whether the identifier belongs to anyone.
 * Limited per client and per identifier (sign-in-limits.ts): over a limit nothing is sent.
 */
export async function requestSignInCode(ctx: CustomerContext, rawInput: RequestSignInCodeInput): Promise<Outcome<{ challengeId: string; expiresAt: Date }>> {
  // Shopper-facing clients only: a partner key reads the catalog and nothing else.
  requireScope(ctx.caller, 'storefront:read');
  const parsed = requestInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const normalised = normaliseIdentifier(input.kind, input.value, input.region);
  if (!normalised.ok) return fail(userError('INVALID', `${input.kind}: ${normalised.message}`, ['input', 'value']));
  const client = clientSubject(ctx.caller);
  const identifier = identifierSubject(input.kind, normalised.value);
  const overClientLimit = await takeRateLimits(ctx.db, CODE_REQUEST_LIMITS.client.map((limit) => ({ limit, subject: client })));
  if (overClientLimit) return rateLimited(overClientLimit);
  const overIdentifierLimit = await takeRateLimits(ctx.db, CODE_REQUEST_LIMITS.identifier.map((limit) => ({ limit, subject: identifier })));
  if (overIdentifierLimit) return rateLimited(overIdentifierLimit, ['input', 'value']);

  const id = newId('signin');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(Date.now() + SIGN_IN_CODE_TTL_MS);
  await insertSignInChallenge(ctx.db, {
    id,
    kind: input.kind,
    value: normalised.value,
    codeHash: hashCode(ctx.tokenSecret, id, code),
    channel: ctx.caller.channel,
    guestId: ctx.caller.kind === 'guest' ? (ctx.caller.guestId ?? null) : null,
    expiresAt,
  });
  try {
    await ctx.codeSender.send({ kind: input.kind, value: normalised.value, code, expiresAt });
  } catch (error) {
    // The sender's errors name the failure, never the code or the address.
    logger.error(`[sign-in] code not delivered for challenge ${id}: ${error instanceof Error ? error.message : String(error)}`);
    await discardSignInChallenge(ctx.db, id, new Date());
    return fail(userError('DELIVERY_FAILED', 'The code could not be sent right now; try again in a minute', ['input', 'value']));
  }
  return succeed({ challengeId: id, expiresAt });
}

const signInInput = z.object({ challengeId: z.string().min(1).max(100), code: z.string().regex(/^\d{6}$/, 'must be the 6 digits sent') });
export type SignInWithCodeInput = z.input<typeof signInInput>;

class SignInRefused extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super('refused');
  }
}

/**
 * Checks the code and signs the person in: the identifier is now verified, so it resolves (or
 * creates, or merges) the customer like any verified identifier, and a guest's anonymous id is
 * linked to them. Returns a customer access token the gateway accepts. Every check takes one of
 * the challenge's attempts first, and checks are limited per client and per identifier.
 */
export async function signInWithCode(ctx: CustomerContext, rawInput: SignInWithCodeInput): Promise<Outcome<{ accessToken: string; customer: CustomerRow }>> {
  requireScope(ctx.caller, 'storefront:read');
  const parsed = signInInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const invalid = fail(userError('INVALID', 'The code is wrong or has expired; ask for a new one', ['input', 'code']));

  const overClientLimit = await takeRateLimits(ctx.db, CODE_CHECK_LIMITS.client.map((limit) => ({ limit, subject: clientSubject(ctx.caller) })));
  if (overClientLimit) return rateLimited(overClientLimit);
  const found = await findSignInChallenge(ctx.db, input.challengeId);
  if (!found) return invalid;
  const overIdentifierLimit = await takeRateLimits(ctx.db, CODE_CHECK_LIMITS.identifier.map((limit) => ({ limit, subject: identifierSubject(found.kind, found.value) })));
  if (overIdentifierLimit) return rateLimited(overIdentifierLimit, ['input', 'code']);

  // Reading the attempt count and writing it back later would let concurrent guesses all pass the
  // check; taking the attempt in one statement lets at most MAX_SIGN_IN_ATTEMPTS codes be compared.
  const challenge = await reserveSignInAttempt(ctx.db, found.id, MAX_SIGN_IN_ATTEMPTS);
  if (!challenge) {
    const current = await findSignInChallenge(ctx.db, found.id);
    const usable = current && !current.consumedAt && current.expiresAt > new Date();
    if (usable && current.attempts >= MAX_SIGN_IN_ATTEMPTS) return fail(userError('INVALID_STATE', 'Too many wrong codes; ask for a new one', ['input', 'code']));
    return invalid;
  }
  const expected = Buffer.from(challenge.codeHash, 'hex');
  const given = Buffer.from(hashCode(ctx.tokenSecret, challenge.id, input.code), 'hex');
  if (!timingSafeEqual(expected, given)) return invalid;
  const now = new Date();

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
      if (!locked || locked.consumedAt) throw new SignInRefused(invalid);
      await consumeSignInChallenge(tx, challenge.id, now);
      await publishEvent(tx, outboxEvents, {
        type: 'customer.signed_in',
        aggregateId: resolved.customer.id,
        payload: { customerId: resolved.customer.id, guestId: challenge.guestId, channel: challenge.channel },
        occurredAt: now,
      });
    });
    // The guest id travels in the token: it is what entitles the customer to that guest's cart.
    const guest = challenge.guestId ? { guest: challenge.guestId } : {};
    const accessToken = await mintAccessToken(ctx.tokenSecret, { role: 'customer', sub: result.customer.id, channel: ctx.caller.channel, ...guest });
    return succeed({ accessToken, customer: result.customer });
  } catch (error) {
    if (error instanceof SignInRefused) return error.outcome;
    throw error;
  }
}

import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Caller } from '@omni/auth';

/** A fixed number of hits per window, counted per subject (an identifier or a client). */
export interface RateLimit {
  /** Part of the counter key: changing a limit's window must not reuse old counters. */
  name: string;
  max: number;
  windowMs: number;
  /** What was refused, shown to the end user before when to retry. */
  refusal: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Codes sent to one identifier: one at a time (a resend after 30 s, as Shopify and Auth0 allow),
 * and 5 an hour, so nobody floods a person's inbox or phone bill.
 */
export const CODES_PER_IDENTIFIER_BURST: RateLimit = { name: 'codes-identifier-30s', max: 1, windowMs: 30 * SECOND, refusal: 'A code was just sent to this identifier' };
export const CODES_PER_IDENTIFIER_HOURLY: RateLimit = { name: 'codes-identifier-1h', max: 5, windowMs: HOUR, refusal: 'Too many codes were sent to this identifier' };
/** Codes one client asks for, whatever the identifiers: stops one machine spraying codes at many people. */
export const CODES_PER_CLIENT_HOURLY: RateLimit = { name: 'codes-client-1h', max: 20, windowMs: HOUR, refusal: 'Too many codes were requested from this device or network' };
/**
 * Codes one client checks: 30 in 10 minutes covers a shopper's typos across several codes, while
 * guessing across many challenges stays far from the million combinations.
 */
export const CHECKS_PER_CLIENT: RateLimit = { name: 'checks-client-10m', max: 30, windowMs: 10 * MINUTE, refusal: 'Too many sign-in attempts from this device or network' };
/**
 * Codes checked for one identifier across all its challenges: 5 attempts per code times 5 codes an
 * hour would allow 25 guesses; this keeps it at 10 an hour, whatever the number of clients.
 */
export const CHECKS_PER_IDENTIFIER_HOURLY: RateLimit = { name: 'checks-identifier-1h', max: 10, windowMs: HOUR, refusal: 'Too many sign-in attempts for this identifier' };

/** Every limit, in the order a code request takes them: the client's own quota before the identifier's. */
export const CODE_REQUEST_LIMITS = { client: [CODES_PER_CLIENT_HOURLY], identifier: [CODES_PER_IDENTIFIER_BURST, CODES_PER_IDENTIFIER_HOURLY] } as const;
export const CODE_CHECK_LIMITS = { client: [CHECKS_PER_CLIENT], identifier: [CHECKS_PER_IDENTIFIER_HOURLY] } as const;

/**
 * Who is asking, for per-client limits: the network address the gateway saw, else the guest's
 * anonymous id, else the channel (callers the gateway did not place share one quota per channel).
 * An IPv6 client gets its /64, which one subscriber usually holds whole: counting single addresses
 * would give them billions of quotas.
 */
export function clientSubject(caller: Pick<Caller, 'clientAddress' | 'guestId' | 'channel'>): string {
  if (caller.clientAddress) return `address:${clientNetwork(caller.clientAddress)}`;
  if (caller.guestId) return `guest:${caller.guestId}`;
  return `channel:${caller.channel}`;
}

export function clientNetwork(address: string): string {
  const withoutZone = address.split('%')[0]!.toLowerCase();
  const mapped = withoutZone.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(withoutZone)) return withoutZone;
  const [head, tail] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`;
}

export const identifierSubject = (kind: string, value: string): string => `identifier:${kind}:${value}`;

/**
 * The counter a limit keeps for a subject. Hashed: the table is shared bookkeeping and should not
 * hold email addresses and phone numbers in the clear.
 */
export const rateLimitKey = (limit: RateLimit, subject: string): string => `${limit.name}:${createHash('sha256').update(subject).digest('hex')}`;

export const isOverLimit = (limit: RateLimit, hits: number): boolean => hits > limit.max;

/** "try again in 25 seconds" / "in 59 minutes": rounded up, so retrying then succeeds. */
export function retryAfterText(retryAt: Date, now: Date): string {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / SECOND));
  if (seconds < 120) return `try again in ${seconds} second${seconds === 1 ? '' : 's'}`;
  return `try again in ${Math.ceil(seconds / 60)} minutes`;
}

export const refusalMessage = (limit: RateLimit, retryAt: Date, now: Date): string => `${limit.refusal}; ${retryAfterText(retryAt, now)}`;

import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';

export const IDENTITY_KINDS = ['EMAIL', 'PHONE', 'TELEGRAM', 'VK', 'WHATSAPP', 'LOYALTY_CARD', 'DEVICE'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export type Normalised = { ok: true; value: string } | { ok: false; message: string };

const email = z.email();

/**
 * One spelling per identifier, so the unique (kind, value) index can recognise a person:
 * emails case-folded, phones in E.164, provider ids in the form the provider's API returns.
 */
export function normaliseIdentifier(kind: IdentityKind, raw: string, region?: string | null): Normalised {
  const value = raw.trim();
  switch (kind) {
    case 'EMAIL': {
      const folded = value.toLowerCase();
      return email.safeParse(folded).success ? { ok: true, value: folded } : { ok: false, message: 'must be an email address' };
    }
    case 'PHONE':
    case 'WHATSAPP': {
      const phone = parsePhoneNumberFromString(value, (region?.toUpperCase() as CountryCode | undefined) ?? undefined);
      return phone?.isValid()
        ? { ok: true, value: phone.number }
        : { ok: false, message: 'must be a valid phone number in international format, or national with `region`' };
    }
    case 'TELEGRAM':
      return /^\d{1,20}$/.test(value) ? { ok: true, value } : { ok: false, message: 'must be a numeric Telegram user id' };
    case 'VK': {
      const match = /^(?:id)?(\d{1,20})$/.exec(value);
      return match ? { ok: true, value: `id${match[1]}` } : { ok: false, message: 'must be a numeric VK user id, e.g. `id5550004`' };
    }
    case 'LOYALTY_CARD': {
      const card = value.toUpperCase();
      return /^[A-Z0-9-]{4,32}$/.test(card) ? { ok: true, value: card } : { ok: false, message: 'must be 4 to 32 letters, digits or dashes' };
    }
    case 'DEVICE':
      return /^[A-Za-z0-9_-]{8,128}$/.test(value) ? { ok: true, value } : { ok: false, message: 'must be 8 to 128 letters, digits, `-` or `_`' };
  }
}

/** An identifier as given to `identifyCustomer`, already normalised. */
export interface CandidateIdentifier {
  kind: IdentityKind;
  value: string;
  verified: boolean;
}

/** Who holds an identifier now (after following merges). */
export interface IdentifierHolder {
  kind: IdentityKind;
  value: string;
  customerId: string;
  verified: boolean;
}

export interface ResolutionPlan {
  /** The customer the identifiers resolve to; null when one must be created. */
  customerId: string | null;
  /** Records to merge into `customerId`, proven to be the same person by a verified identifier. */
  mergeIds: string[];
  /** Records sharing an identifier without proof: shown, never linked automatically. */
  suggestedIds: string[];
  /** Identifiers nobody holds yet: they are linked to the customer. */
  attach: CandidateIdentifier[];
  /** Identifiers the customer (or a merged record) holds unverified that were verified now. */
  verify: CandidateIdentifier[];
}

const keyOf = (identifier: { kind: string; value: string }) => `${identifier.kind}:${identifier.value}`;
/** Ids are time-ordered, so the smallest is the oldest record: it survives a merge. */
const oldest = (ids: Iterable<string>) => [...ids].sort()[0] ?? null;

/**
 * The matching rules (documented in the README):
 * 1. Strong: an identifier the channel verified (other than a DEVICE id). Every record holding it
 *    is this person; when strong identifiers point at several records they merge into the oldest.
 * 2. Weak: an unverified identifier, and every DEVICE id. Without a strong match, a weak
 *    identifier finds a record only when that record holds it unverified too (it is the same
 *    unproven contact point, e.g. the same caller id); it never attaches touchpoints to a record
 *    that proved ownership, and it never merges. Every other record it hits is only suggested.
 * 3. Identifiers nobody holds are linked to the resolved customer; identifiers held by a
 *    suggested record stay where they are.
 */
export function planResolution(candidates: readonly CandidateIdentifier[], holders: readonly IdentifierHolder[]): ResolutionPlan {
  const holderOf = new Map(holders.map((holder) => [keyOf(holder), holder]));
  const isStrong = (candidate: CandidateIdentifier) => candidate.verified && candidate.kind !== 'DEVICE';

  const strongIds = new Set<string>();
  for (const candidate of candidates) {
    const holder = holderOf.get(keyOf(candidate));
    if (holder && isStrong(candidate)) strongIds.add(holder.customerId);
  }

  let customerId = oldest(strongIds);
  const mergeIds = [...strongIds].filter((id) => id !== customerId).sort();
  if (!customerId) {
    const weakIds = new Set<string>();
    for (const candidate of candidates) {
      const holder = holderOf.get(keyOf(candidate));
      if (holder && !holder.verified) weakIds.add(holder.customerId);
    }
    customerId = oldest(weakIds);
  }

  const person = new Set([customerId, ...mergeIds].filter((id): id is string => id !== null));
  const suggestedIds = [...new Set(holders.map((holder) => holder.customerId))].filter((id) => !person.has(id)).sort();
  const attach: CandidateIdentifier[] = [];
  const verify: CandidateIdentifier[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const key = keyOf(candidate);
    if (seen.has(key)) continue;
    seen.add(key);
    const holder = holderOf.get(key);
    if (!holder) attach.push(candidate);
    else if (person.has(holder.customerId) && candidate.verified && !holder.verified) verify.push(candidate);
  }
  return { customerId, mergeIds, suggestedIds, attach, verify };
}

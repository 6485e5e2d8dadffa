import { z } from 'zod';
import { newId } from '@omni/db';
import { fail, isIdKey, pageRequest, succeed, toConnection, userErrorsFromIssues, type ConnectionArgs, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { insertConsentRecord } from '../db/consent-queries';
import { CONSENT_PURPOSES, CONTACT_CHANNELS, type ConsentRecordRow, type ContactChannel, type CustomerRow } from '../db/schema';
import { targetCustomer } from './customer-access';

export function listCurrentConsents(ctx: CustomerContext, customer: CustomerRow): Promise<ConsentRecordRow[]> {
  return ctx.loaders.currentConsentsByCustomerId.load(customer.id);
}

export async function listConsentHistory(ctx: CustomerContext, customer: CustomerRow, args: ConnectionArgs) {
  const page = pageRequest(args, isIdKey);
  const rows = await ctx.loaders.consentHistoryPage.load(customer.id, page);
  return toConnection(rows, page, (row) => row.id);
}

/**
 * Marketing reaches a customer only on an explicit grant: the latest MARKETING decision for the
 * contact channel, or without one the latest for ANY. No decision at all means no.
 */
export function marketingAllowedFrom(current: readonly ConsentRecordRow[], contactChannel: ContactChannel): boolean {
  const decision = (channel: ContactChannel) => current.find((record) => record.purpose === 'MARKETING' && record.contactChannel === channel);
  return (decision(contactChannel) ?? decision('ANY'))?.granted ?? false;
}

export async function isMarketingAllowed(ctx: CustomerContext, customer: CustomerRow, contactChannel: ContactChannel): Promise<boolean> {
  return marketingAllowedFrom(await listCurrentConsents(ctx, customer), contactChannel);
}

const consentInput = z.object({
  customerId: z.string().min(1).nullish(),
  purpose: z.enum(CONSENT_PURPOSES),
  contactChannel: z.enum(CONTACT_CHANNELS),
  granted: z.boolean(),
  source: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
});
export type SetConsentInput = z.input<typeof consentInput>;

export async function setConsent(ctx: CustomerContext, rawInput: SetConsentInput): Promise<Outcome<ConsentRecordRow>> {
  const parsed = consentInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const target = await targetCustomer(ctx, input.customerId, ['input', 'customerId']);
  if (!target.ok) return target;
  const { caller } = ctx;
  const record = await insertConsentRecord(ctx.db, {
    id: newId('cons'),
    customerId: target.value,
    purpose: input.purpose,
    contactChannel: input.contactChannel,
    granted: input.granted,
    source: input.source,
    channel: caller.channel,
    recordedBy: caller.customerId ?? caller.staffId ?? caller.service ?? caller.kind,
    recordedAt: new Date(),
  });
  ctx.loaders.currentConsentsByCustomerId.clear(target.value);
  return succeed(record);
}

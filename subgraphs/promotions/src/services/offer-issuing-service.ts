import { newId } from '@omni/db';
import type { PromotionsDb } from '../db/database';
import { insertCouponCodes } from '../db/coupon-queries';
import { findActiveTemplate, findIssuedOffer, insertPersonalOffer } from '../db/offer-queries';
import { insertPromotion } from '../db/promotion-queries';
import type { OfferTrigger, PromotionRow } from '../db/schema';
import { generatedCode } from './coupon-code-service';
import { columnsOfRules, legacyRules } from './promotion-definitions';
import { issuedOfferRules, offerExpiry } from './personal-offer-rules';

/** Shoppers read the code out at a till; the prefix says what it is for. */
const CODE_PREFIX: Record<OfferTrigger, string> = { FIRST_ORDER: 'WELCOME-', ENGAGED_WITH_PRODUCT: 'FORYOU-' };

export interface OfferToIssue {
  trigger: OfferTrigger;
  /** The customer as they are known now (after merges). */
  customerId: string;
  /** The product engaged with; null for the welcome offer. */
  productId: string | null;
  sourceEventId: string;
  issuedAt: Date;
}

/** The issued offer's own promotion: the template's terms for one customer, in any channel, until it expires. */
function personalPromotion(template: PromotionRow, offer: OfferToIssue, expiresAt: Date) {
  const rules = issuedOfferRules(template.rules ?? legacyRules(template), offer.productId);
  return {
    id: newId('promo'),
    name: template.name,
    description: template.description,
    currencyCode: template.currencyCode,
    channels: [],
    startsAt: null,
    endsAt: expiresAt,
    status: 'ACTIVE' as const,
    usageLimit: 1,
    usageLimitPerCustomer: null,
    budgetMinor: null,
    rules,
    ...columnsOfRules(rules),
    ownerCustomerId: offer.customerId,
    createdAt: offer.issuedAt,
    updatedAt: offer.issuedAt,
  };
}

/**
 * Issues the active template of the trigger to the customer, once per customer (welcome) or per
 * customer and product (engagement); inside the event's transaction, so a redelivery or a crash
 * never issues twice. No active template: nothing to issue. Returns whether an offer was issued.
 */
export async function issueOffer(tx: PromotionsDb, offer: OfferToIssue): Promise<boolean> {
  const template = await findActiveTemplate(tx, offer.trigger);
  if (!template || !template.offerValidDays) return false;
  if (await findIssuedOffer(tx, offer.customerId, offer.trigger, offer.productId)) return false;

  const expiresAt = offerExpiry(offer.issuedAt, template.offerValidDays);
  const promotion = await insertPromotion(tx, personalPromotion(template, offer, expiresAt));
  const code = await insertFreshCode(tx, promotion.id, CODE_PREFIX[offer.trigger], expiresAt);
  const inserted = await insertPersonalOffer(tx, {
    id: newId('offer'),
    customerId: offer.customerId,
    issuedToCustomerId: offer.customerId,
    trigger: offer.trigger,
    templateId: template.id,
    promotionId: promotion.id,
    code,
    productId: offer.productId,
    sourceEventId: offer.sourceEventId,
    issuedAt: offer.issuedAt,
    expiresAt,
  });
  // Another delivery issued the same offer meanwhile: roll this one back whole, promotion and code included.
  if (!inserted) throw new Error(`Offer ${offer.trigger} for ${offer.customerId} was issued concurrently; deliver again`);
  return true;
}

/** A single-use code drawn like the generated batch codes; the unique index decides a (rare) collision. */
async function insertFreshCode(tx: PromotionsDb, promotionId: string, prefix: string, expiresAt: Date): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const [row] = await insertCouponCodes(tx, [{ id: newId('cpn'), promotionId, code: generatedCode(prefix), usageLimit: 1, expiresAt }]);
    if (row) return row.code;
  }
  throw new Error('Could not draw a free coupon code');
}

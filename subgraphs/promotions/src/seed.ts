import { DEMO_EPOCH, DEMO_OFFER_TEMPLATES, DEMO_PROMOTIONS, type DemoOfferTemplate } from '@omni/demo-data';
import type { PromotionsDb } from './db/database';
import { promotions, type NewPromotionRow } from './db/schema';
import type { StoredPromotionRules } from './services/engine/stored-rules';
import { columnsOfRules } from './services/promotion-definitions';
import { COMBINES_WITH_EVERYTHING } from './services/promotion-rules-input';
import { templateRules } from './services/personal-offer-rules';

/** Loads the demo promotions; safe to run again (existing rows, even changed ones, are left alone). */
export async function seedPromotionsDemoData(db: PromotionsDb): Promise<void> {
  const rows: NewPromotionRow[] = DEMO_PROMOTIONS.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    kind: p.kind,
    percentOff: p.kind === 'PERCENTAGE_OFF_ORDER' ? p.value : null,
    amountOffMinor: p.kind === 'FIXED_AMOUNT_OFF_ORDER' ? p.value : null,
    minimumSubtotalMinor: p.minimumSubtotalMinor,
    currencyCode: p.currencyCode,
    channels: [...p.channels],
    startsAt: null,
    endsAt: null,
    status: 'ACTIVE',
    createdAt: DEMO_EPOCH,
    updatedAt: DEMO_EPOCH,
  }));
  await db.insert(promotions).values(rows).onConflictDoNothing();
  await db.insert(promotions).values(DEMO_OFFER_TEMPLATES.map(offerTemplateRow)).onConflictDoNothing();
}

/** A demo template as stored: it needs its code, and the 2 for 1 is aimed at the engaged product when issued. */
function offerTemplateRow(template: DemoOfferTemplate): NewPromotionRow {
  const action: StoredPromotionRules['action'] =
    template.offer.type === 'ORDER_PERCENT_OFF'
      ? { type: 'ORDER_PERCENT_OFF', percent: template.offer.percent }
      : { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [] }, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: 1 };
  const rules = templateRules({ priority: 0, locationIds: [], requiresCoupon: true, conditions: [], action, stacking: COMBINES_WITH_EVERYTHING }, template.trigger);
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    ...columnsOfRules(rules),
    currencyCode: template.currencyCode,
    channels: [],
    startsAt: null,
    endsAt: null,
    status: 'ACTIVE',
    rules,
    offerTrigger: template.trigger,
    offerValidDays: template.validForDays,
    createdAt: DEMO_EPOCH,
    updatedAt: DEMO_EPOCH,
  };
}

import { describe, expect, it } from 'vitest';
import type { StoredPromotionRules } from './engine/stored-rules';
import { COMBINES_WITH_EVERYTHING } from './promotion-rules-input';
import { checkableTemplateRules, issuedOfferRules, offerExpiry, offerStatus, offerTemplateProblems, templateRules } from './personal-offer-rules';

const twoForOne: StoredPromotionRules = {
  priority: 0,
  locationIds: [],
  requiresCoupon: false,
  conditions: [],
  action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: ['prod_00000000000000000000000000'] }, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: 1 },
  stacking: COMBINES_WITH_EVERYTHING,
};
const fields = (errors: { field?: string[] }[]) => errors.map((error) => error.field?.join('.'));

describe('offer templates', () => {
  it('need their code and, for engagement, a product action without a target of its own', () => {
    expect(offerTemplateProblems({ trigger: 'FIRST_ORDER', validForDays: 30 }, { action: { type: 'ORDER_PERCENT_OFF' } }, null)).toEqual([]);
    expect(fields(offerTemplateProblems({ trigger: 'FIRST_ORDER', validForDays: 0 }, { requiresCoupon: false }, null))).toEqual(['input.personalOffer.validForDays', 'input.requiresCoupon']);
    expect(fields(offerTemplateProblems({ trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 14 }, { action: { type: 'FREE_SHIPPING' } }, null))).toEqual(['input.action.type']);
    expect(fields(offerTemplateProblems({ trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 14 }, { action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [] } } }, null))).toEqual(['input.action.target']);
    // A change that keeps the action is checked against the stored one.
    expect(offerTemplateProblems({ trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 14 }, {}, twoForOne.action)).toEqual([]);
  });

  it('are stored needing their code with an empty target, and checked again with the stand-in', () => {
    const stored = templateRules(twoForOne, 'ENGAGED_WITH_PRODUCT');
    expect(stored.requiresCoupon).toBe(true);
    expect(stored.action).toMatchObject({ type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [] } });
    expect(checkableTemplateRules(stored, 'ENGAGED_WITH_PRODUCT').action).toEqual(twoForOne.action);
    expect(checkableTemplateRules(stored, null)).toBe(stored);
  });
});

describe('issued offers', () => {
  it('copy the template, aimed at the engaged product, needing their code', () => {
    const issued = issuedOfferRules(templateRules(twoForOne, 'ENGAGED_WITH_PRODUCT'), 'prod_jacket');
    expect(issued).toMatchObject({ requiresCoupon: true, action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: ['prod_jacket'] }, buyQuantity: 1, getQuantity: 1, percent: 100 } });
    const welcome = { ...twoForOne, action: { type: 'ORDER_PERCENT_OFF' as const, percent: 10 } };
    expect(issuedOfferRules(welcome, null).action).toEqual({ type: 'ORDER_PERCENT_OFF', percent: 10 });
  });

  it('last whole days from issue; USED beats EXPIRED', () => {
    const issuedAt = new Date('2026-11-01T10:00:00Z');
    const expiresAt = offerExpiry(issuedAt, 14);
    expect(expiresAt.toISOString()).toBe('2026-11-15T10:00:00.000Z');
    expect(offerStatus({ expiresAt }, 0, new Date('2026-11-15T09:59:59Z'))).toBe('AVAILABLE');
    expect(offerStatus({ expiresAt }, 0, expiresAt)).toBe('EXPIRED');
    expect(offerStatus({ expiresAt }, 1, new Date('2026-12-01T00:00:00Z'))).toBe('USED');
  });
});

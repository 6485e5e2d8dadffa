import { describe, expect, it } from 'vitest';
import { normaliseIdentifier, planResolution, type CandidateIdentifier, type IdentifierHolder } from './identity-rules';

describe('normaliseIdentifier', () => {
  it('case-folds emails and puts phones in E.164', () => {
    expect(normaliseIdentifier('EMAIL', '  Maria.Petrova@Example.COM ')).toEqual({ ok: true, value: 'maria.petrova@example.com' });
    expect(normaliseIdentifier('PHONE', '+49 151 1234 5001')).toEqual({ ok: true, value: '+4915112345001' });
    expect(normaliseIdentifier('PHONE', '0151 12345001', 'de')).toEqual({ ok: true, value: '+4915112345001' });
    expect(normaliseIdentifier('WHATSAPP', '+7 (912) 345-67-89')).toEqual({ ok: true, value: '+79123456789' });
    expect(normaliseIdentifier('VK', '5550004')).toEqual({ ok: true, value: 'id5550004' });
    expect(normaliseIdentifier('LOYALTY_CARD', 'lc-000002')).toEqual({ ok: true, value: 'LC-000002' });
  });

  it('refuses malformed identifiers', () => {
    expect(normaliseIdentifier('PHONE', '12345').ok).toBe(false);
    expect(normaliseIdentifier('PHONE', '0151 12345001').ok).toBe(false); // national without region
    expect(normaliseIdentifier('EMAIL', 'not-an-email').ok).toBe(false);
    expect(normaliseIdentifier('TELEGRAM', '@maria').ok).toBe(false);
    expect(normaliseIdentifier('DEVICE', 'short').ok).toBe(false);
  });
});

const c = (kind: CandidateIdentifier['kind'], value: string, verified: boolean): CandidateIdentifier => ({ kind, value, verified });
const h = (kind: IdentifierHolder['kind'], value: string, customerId: string, verified: boolean): IdentifierHolder => ({ kind, value, customerId, verified });

describe('planResolution', () => {
  it('creates a customer when nothing matches and links every identifier', () => {
    const plan = planResolution([c('TELEGRAM', '1', true), c('EMAIL', 'a@x.io', false)], []);
    expect(plan).toEqual({ customerId: null, mergeIds: [], suggestedIds: [], attach: [c('TELEGRAM', '1', true), c('EMAIL', 'a@x.io', false)], verify: [] });
  });

  it('merges every record a verified identifier points at into the oldest', () => {
    const plan = planResolution(
      [c('TELEGRAM', '1', true), c('PHONE', '+491', true)],
      [h('TELEGRAM', '1', 'cus_b', true), h('PHONE', '+491', 'cus_a', false)],
    );
    expect(plan.customerId).toBe('cus_a');
    expect(plan.mergeIds).toEqual(['cus_b']);
    expect(plan.verify).toEqual([c('PHONE', '+491', true)]);
  });

  it('reuses a record holding the same unverified identifier but never links to a verified one', () => {
    expect(planResolution([c('PHONE', '+491', false)], [h('PHONE', '+491', 'cus_a', false)]).customerId).toBe('cus_a');
    const plan = planResolution([c('EMAIL', 'anna@x.io', false)], [h('EMAIL', 'anna@x.io', 'cus_anna', true)]);
    expect(plan).toMatchObject({ customerId: null, mergeIds: [], suggestedIds: ['cus_anna'], attach: [] });
  });

  it('never merges on weak identifiers, nor on a verified device id', () => {
    const plan = planResolution(
      [c('PHONE', '+491', false), c('EMAIL', 'a@x.io', false), c('DEVICE', 'device-123', true)],
      [h('PHONE', '+491', 'cus_a', false), h('EMAIL', 'a@x.io', 'cus_b', false), h('DEVICE', 'device-123', 'cus_c', false)],
    );
    expect(plan).toMatchObject({ customerId: 'cus_a', mergeIds: [], suggestedIds: ['cus_b', 'cus_c'] });
  });

  it('leaves a weakly matched record alone when a verified identifier found the person', () => {
    const plan = planResolution([c('TELEGRAM', '1', true), c('EMAIL', 'a@x.io', false)], [h('TELEGRAM', '1', 'cus_t', true), h('EMAIL', 'a@x.io', 'cus_e', false)]);
    expect(plan).toMatchObject({ customerId: 'cus_t', mergeIds: [], suggestedIds: ['cus_e'], attach: [] });
  });
});

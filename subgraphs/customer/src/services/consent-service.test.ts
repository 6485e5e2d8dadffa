import { describe, expect, it } from 'vitest';
import { consentRecord } from '../../test/support/consent-record';
import { marketingAllowedFrom } from './consent-service';

describe('marketingAllowedFrom', () => {
  it('is false without any decision, and for decisions about other purposes', () => {
    expect(marketingAllowedFrom([], 'EMAIL')).toBe(false);
    expect(marketingAllowedFrom([consentRecord('ANALYTICS', 'ANY', true)], 'EMAIL')).toBe(false);
  });
  it('lets a channel decision override the ANY decision both ways', () => {
    const current = [consentRecord('MARKETING', 'ANY', true), consentRecord('MARKETING', 'SMS', false)];
    expect(marketingAllowedFrom(current, 'EMAIL')).toBe(true);
    expect(marketingAllowedFrom(current, 'SMS')).toBe(false);
    expect(marketingAllowedFrom([consentRecord('MARKETING', 'ANY', false), consentRecord('MARKETING', 'TELEGRAM', true)], 'TELEGRAM')).toBe(true);
  });
});

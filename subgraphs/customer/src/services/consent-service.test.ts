import { describe, expect, it } from 'vitest';
import type { ConsentRecordRow } from '../db/schema';
import { marketingAllowedFrom } from './consent-service';

const record = (purpose: ConsentRecordRow['purpose'], contactChannel: ConsentRecordRow['contactChannel'], granted: boolean): ConsentRecordRow => ({
  id: `cons_${purpose}_${contactChannel}`,
  customerId: 'cus_x',
  purpose,
  contactChannel,
  granted,
  source: 'test',
  channel: 'WEB',
  recordedBy: 'cus_x',
  recordedAt: new Date(),
});

describe('marketingAllowedFrom', () => {
  it('is false without any decision, and for decisions about other purposes', () => {
    expect(marketingAllowedFrom([], 'EMAIL')).toBe(false);
    expect(marketingAllowedFrom([record('ANALYTICS', 'ANY', true)], 'EMAIL')).toBe(false);
  });
  it('lets a channel decision override the ANY decision both ways', () => {
    const current = [record('MARKETING', 'ANY', true), record('MARKETING', 'SMS', false)];
    expect(marketingAllowedFrom(current, 'EMAIL')).toBe(true);
    expect(marketingAllowedFrom(current, 'SMS')).toBe(false);
    expect(marketingAllowedFrom([record('MARKETING', 'ANY', false), record('MARKETING', 'TELEGRAM', true)], 'TELEGRAM')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { consentRecord } from '../../test/support/consent-record';
import { chooseReminderContact } from './cart-reminder-rules';

const consent = (contactChannel: Parameters<typeof consentRecord>[1], granted: boolean, purpose: Parameters<typeof consentRecord>[0] = 'MARKETING') => consentRecord(purpose, contactChannel, granted);
const email = { kind: 'EMAIL', value: 'anna@example.com', verified: true };
const telegram = { kind: 'TELEGRAM', value: '100200300', verified: true };
const phone = { kind: 'PHONE', value: '+4915112345678', verified: true };

describe('chooseReminderContact', () => {
  it('sends nothing without a marketing grant, or with a grant for another purpose', () => {
    expect(chooseReminderContact([email, telegram, phone], [])).toBeNull();
    expect(chooseReminderContact([email], [consent('ANY', true, 'ANALYTICS')])).toBeNull();
  });

  it('prefers email, then messengers, then SMS, skipping channels the customer refused', () => {
    expect(chooseReminderContact([phone, telegram, email], [consent('ANY', true)])).toEqual({ contactChannel: 'EMAIL', address: 'anna@example.com' });
    expect(chooseReminderContact([phone, telegram, email], [consent('ANY', true), consent('EMAIL', false)])).toEqual({ contactChannel: 'TELEGRAM', address: '100200300' });
    expect(chooseReminderContact([phone, email], [consent('SMS', true)])).toEqual({ contactChannel: 'SMS', address: '+4915112345678' });
  });

  it('never writes to an unverified identifier, and not to identifiers it has no route for', () => {
    expect(chooseReminderContact([{ ...email, verified: false }], [consent('ANY', true)])).toBeNull();
    expect(chooseReminderContact([{ kind: 'LOYALTY_CARD', value: '123', verified: true }, { kind: 'DEVICE', value: 'd-1', verified: true }], [consent('ANY', true)])).toBeNull();
  });
});

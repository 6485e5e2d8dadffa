import { describe, expect, it } from 'vitest';
import {
  CHECKS_PER_CLIENT,
  CHECKS_PER_IDENTIFIER_HOURLY,
  clientNetwork,
  clientSubject,
  CODES_PER_CLIENT_HOURLY,
  CODES_PER_IDENTIFIER_BURST,
  CODES_PER_IDENTIFIER_HOURLY,
  identifierSubject,
  isOverLimit,
  rateLimitKey,
  refusalMessage,
  retryAfterText,
} from './sign-in-limits';

describe('sign-in limits', () => {
  it('has the documented values', () => {
    expect([CODES_PER_IDENTIFIER_BURST, CODES_PER_IDENTIFIER_HOURLY, CODES_PER_CLIENT_HOURLY, CHECKS_PER_CLIENT, CHECKS_PER_IDENTIFIER_HOURLY].map((l) => [l.max, l.windowMs / 1000])).toEqual([
      [1, 30],
      [5, 3600],
      [20, 3600],
      [30, 600],
      [10, 3600],
    ]);
  });

  it('lets exactly max hits through per window', () => {
    expect(isOverLimit(CODES_PER_IDENTIFIER_HOURLY, 5)).toBe(false);
    expect(isOverLimit(CODES_PER_IDENTIFIER_HOURLY, 6)).toBe(true);
    expect(isOverLimit(CODES_PER_IDENTIFIER_BURST, 1)).toBe(false);
    expect(isOverLimit(CODES_PER_IDENTIFIER_BURST, 2)).toBe(true);
  });

  it('counts a client by its address, else its guest id, else its channel', () => {
    expect(clientSubject({ clientAddress: '203.0.113.7', guestId: 'g1', channel: 'WEB' })).toBe('address:203.0.113.7');
    expect(clientSubject({ guestId: 'g1', channel: 'WEB' })).toBe('guest:g1');
    expect(clientSubject({ channel: 'MOBILE_APP' })).toBe('channel:MOBILE_APP');
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one by its IPv4 address', () => {
    expect(clientNetwork('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(clientNetwork('2001:db8:aa:bb::99')).toBe('2001:db8:aa:bb::/64');
    expect(clientNetwork('2001:DB8:0AA:bb:ffff::1%eth0')).toBe('2001:db8:aa:bb::/64');
    expect(clientNetwork('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(clientNetwork('198.51.100.4')).toBe('198.51.100.4');
  });

  it('keeps identifiers out of counter keys and separates limits', () => {
    const subject = identifierSubject('EMAIL', 'anna@example.com');
    const key = rateLimitKey(CODES_PER_IDENTIFIER_BURST, subject);
    expect(key).not.toContain('anna');
    expect(key).toMatch(/^codes-identifier-30s:[0-9a-f]{64}$/);
    expect(rateLimitKey(CODES_PER_IDENTIFIER_HOURLY, subject)).not.toBe(key);
    expect(rateLimitKey(CODES_PER_IDENTIFIER_BURST, identifierSubject('PHONE', 'anna@example.com'))).not.toBe(key);
  });

  it('says when to retry, rounded up', () => {
    const now = new Date('2026-01-01T12:00:00.000Z');
    expect(retryAfterText(new Date('2026-01-01T12:00:24.100Z'), now)).toBe('try again in 25 seconds');
    expect(retryAfterText(new Date('2026-01-01T12:00:00.200Z'), now)).toBe('try again in 1 second');
    expect(retryAfterText(new Date('2026-01-01T11:59:00.000Z'), now)).toBe('try again in 1 second');
    expect(retryAfterText(new Date('2026-01-01T12:42:10.000Z'), now)).toBe('try again in 43 minutes');
    expect(refusalMessage(CODES_PER_IDENTIFIER_BURST, new Date('2026-01-01T12:00:30.000Z'), now)).toBe('A code was just sent to this identifier; try again in 30 seconds');
  });
});

import { describe, expect, it } from 'vitest';
import { isUsableIdempotencyKey } from '../src/idempotency-key';
import { isBlankId } from '../src/optional-id';

describe('idempotency keys', () => {
  it('takes any visible key', () => {
    expect(['checkout-1', 'a', ' padded ', '7b0c1f9e-1d2a-4c55-9a67-0f3e8f4f2b11'].every(isUsableIdempotencyKey)).toBe(true);
  });

  it('refuses blank keys and control characters', () => {
    expect(['', '   ', '\t\n', '\u00a0\u3000', 'key\u0000', 'key\n2'].some(isUsableIdempotencyKey)).toBe(false);
  });
});

describe('optional ids', () => {
  it('tells a blank id from an omitted one', () => {
    expect(isBlankId('')).toBe(true);
    expect(isBlankId('  ')).toBe(true);
    expect(isBlankId(null)).toBe(false);
    expect(isBlankId(undefined)).toBe(false);
    expect(isBlankId('cus_01')).toBe(false);
  });
});

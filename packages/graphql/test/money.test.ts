import { describe, expect, it } from 'vitest';
import { currencyExponent, isCurrencyCode, MoneyFormatError, toMinorUnits, toMoney } from '../src/money';

describe('money', () => {
  it('formats minor units with the exponent of each currency', () => {
    expect(toMoney(1990, 'EUR')).toEqual({ amount: '19.90', currencyCode: 'EUR' });
    expect(toMoney(5, 'EUR')).toEqual({ amount: '0.05', currencyCode: 'EUR' });
    expect(toMoney(-250, 'EUR')).toEqual({ amount: '-2.50', currencyCode: 'EUR' });
    expect(toMoney(1500, 'JPY')).toEqual({ amount: '1500', currencyCode: 'JPY' });
    expect(toMoney(1234, 'KWD')).toEqual({ amount: '1.234', currencyCode: 'KWD' });
  });

  it('parses decimal strings back to the same minor units', () => {
    for (const [amount, currency] of [['19.90', 'EUR'], ['0.05', 'EUR'], ['1500', 'JPY'], ['1.234', 'KWD'], ['-2.5', 'EUR']] as const) {
      expect(toMoney(toMinorUnits(amount, currency), currency).amount).toBe(
        currency === 'EUR' && amount === '-2.5' ? '-2.50' : amount,
      );
    }
    expect(toMinorUnits('7', 'EUR')).toBe(700);
  });

  it('refuses more decimals than the currency has, junk and floats in disguise', () => {
    expect(() => toMinorUnits('1.999', 'EUR')).toThrow(MoneyFormatError);
    expect(() => toMinorUnits('1.5', 'JPY')).toThrow(MoneyFormatError);
    expect(() => toMinorUnits('1e3', 'EUR')).toThrow(MoneyFormatError);
    expect(() => toMinorUnits('12,50', 'EUR')).toThrow(MoneyFormatError);
    expect(() => toMoney(1.5, 'EUR')).toThrow(RangeError);
  });

  it('knows real currency codes', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('EURO')).toBe(false);
    expect(currencyExponent('RUB')).toBe(2);
  });
});

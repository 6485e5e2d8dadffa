/**
 * Money lives as integer minor units plus an ISO currency code; the API speaks decimal strings.
 * Conversions go through the currency's own exponent (JPY has none, EUR two, KWD three).
 */
export interface Money {
  amount: string;
  currencyCode: string;
}

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function isCurrencyCode(code: string): boolean {
  if (!CURRENCY_PATTERN.test(code)) return false;
  if (exponents.has(code)) return true;
  try {
    currencyExponent(code);
    return true;
  } catch {
    return false;
  }
}

// Building an Intl.NumberFormat costs tens of microseconds; a product page formats hundreds of prices.
const exponents = new Map<string, number>();

export function currencyExponent(currencyCode: string): number {
  let exponent = exponents.get(currencyCode);
  if (exponent === undefined) {
    exponent =
      new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currencyCode, exponent);
  }
  return exponent;
}

export function toMoney(minorUnits: number, currencyCode: string): Money {
  if (!Number.isSafeInteger(minorUnits)) throw new RangeError(`Money amount ${minorUnits} is not an integer`);
  const exponent = currencyExponent(currencyCode);
  const negative = minorUnits < 0;
  const digits = Math.abs(minorUnits).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return { amount: `${negative ? '-' : ''}${whole}${fraction}`, currencyCode };
}

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

/** Parses a decimal string into minor units, refusing more decimals than the currency has. */
export function toMinorUnits(amount: string, currencyCode: string): number {
  const exponent = currencyExponent(currencyCode);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) throw new MoneyFormatError(`"${amount}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new MoneyFormatError(`${currencyCode} allows at most ${exponent} decimal places`);
  }
  const minor = Number(`${whole}${fraction.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`"${amount}" is too large`);
  return sign === '-' ? -minor : minor;
}

/**
 * Codes are typed on tills, read out over the phone and pasted from emails, so case and stray
 * spaces must not matter. `toUpperCase` without a locale keeps the mapping the same on every server.
 */
export function normalizeCouponCode(code: string): string {
  return code.trim().toUpperCase();
}

import { InvalidAccessTokenError, verifyAccessTokenUntil, type AccessTokenClaims } from './access-token';

/** Enough for every signed-in shopper active at once on one gateway; each entry is a few hundred bytes. */
export const DEFAULT_VERIFIED_TOKEN_ENTRIES = 10_000;

export interface AccessTokenVerifier {
  (token: string): Promise<AccessTokenClaims>;
  /** Tokens remembered right now (for tests and metrics). */
  readonly size: number;
}

/**
 * Verifies bearer tokens, remembering each one that verified until it expires, so a client that
 * sends the same token with every request pays for one signature check, not one per request.
 * Keyed by the whole token string: a token that differs in any byte is verified afresh, and
 * only tokens that verified are remembered (a flood of bad tokens cannot evict good ones any
 * faster than a flood of good ones). Bounded: the least recently used token goes first.
 */
export function createAccessTokenVerifier(secret: string, maxEntries = DEFAULT_VERIFIED_TOKEN_ENTRIES, now: () => number = Date.now): AccessTokenVerifier {
  const verified = new Map<string, { claims: AccessTokenClaims; expiresAtMs: number }>();

  const verify = async (token: string): Promise<AccessTokenClaims> => {
    const known = verified.get(token);
    if (known) {
      verified.delete(token);
      // Expired the moment `exp` is reached, as the signature check itself decides.
      if (known.expiresAtMs > now()) {
        verified.set(token, known);
        return known.claims;
      }
      throw new InvalidAccessTokenError('Token has expired');
    }
    const { claims, expiresAt } = await verifyAccessTokenUntil(secret, token);
    verified.set(token, { claims, expiresAtMs: expiresAt * 1000 });
    if (verified.size > maxEntries) verified.delete(verified.keys().next().value!);
    return claims;
  };
  return Object.defineProperty(verify, 'size', { get: () => verified.size }) as AccessTokenVerifier;
}

import { SignJWT, decodeJwt } from 'jose';
import { callerSchema, type Caller } from './caller';
import { CompactTokenError, verifyCompactHs256 } from './compact-hs256';
import { CLOCK_TOLERANCE_SECONDS, GATEWAY_ISSUER, InvalidCallerContextError, mayIssue } from './signed-context';

/**
 * A caller header bound to no operation and valid for long, signed with the gateway's secret: what
 * `npm run bench -- --compare` gives other gateways (stock Apollo Gateway, Hive Gateway) to forward
 * as a plain client header, since they cannot sign every subgraph fetch the way ours does. It
 * carries its own audience, so the ordinary check (`verifyCallerContext`) refuses it everywhere; a
 * subgraph accepts it only when started with BENCH_UNBOUND_CALLER_HEADERS=true, which production
 * refuses to start with.
 */
export const UNBOUND_CALLER_AUDIENCE = 'omnigraph-subgraph-unbound-bench';
export const UNBOUND_CALLER_LIFETIME_SECONDS = 4 * 60 * 60;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signUnboundCallerContext(secret: string, caller: Caller, lifetimeSeconds = UNBOUND_CALLER_LIFETIME_SECONDS): Promise<string> {
  if (!mayIssue(GATEWAY_ISSUER, caller)) throw new InvalidCallerContextError(`${GATEWAY_ISSUER} may not sign a ${caller.kind} caller`, 'issuer');
  return new SignJWT({ caller })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(GATEWAY_ISSUER)
    .setAudience(UNBOUND_CALLER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(keyOf(secret));
}

/** Whether a header claims the unbound audience; unverified, only to pick the check to run. */
export function claimsUnboundAudience(headerValue: string | undefined | null): boolean {
  if (!headerValue) return false;
  try {
    const { aud } = decodeJwt(headerValue);
    return aud === UNBOUND_CALLER_AUDIENCE || (Array.isArray(aud) && aud.includes(UNBOUND_CALLER_AUDIENCE));
  } catch {
    return false;
  }
}

/** The caller of an unbound header signed by the gateway; refuses anything else with the usual reasons. */
export async function verifyUnboundCallerContext(secret: string, headerValue: string): Promise<{ caller: Caller; issuer: string; expiresAt: number }> {
  let payload;
  try {
    // The same verifier as every other caller header, so the peers' subgraph requests cost what ours do.
    payload = verifyCompactHs256(secret, headerValue, { audience: UNBOUND_CALLER_AUDIENCE, requiredClaims: ['iss', 'exp'], clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS });
  } catch (error) {
    throw new InvalidCallerContextError('Invalid gateway signature', error instanceof CompactTokenError && error.failure !== 'malformed' ? error.failure : 'claims');
  }
  const caller = callerSchema.safeParse(payload.caller);
  if (payload.iss !== GATEWAY_ISSUER || !caller.success || !mayIssue(GATEWAY_ISSUER, caller.data)) throw new InvalidCallerContextError('Invalid gateway signature', 'claims');
  return { caller: caller.data, issuer: GATEWAY_ISSUER, expiresAt: payload.exp as number };
}

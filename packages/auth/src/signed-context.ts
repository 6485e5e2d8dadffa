import { SignJWT, jwtVerify } from 'jose';
import { callerSchema, type Caller } from './caller';

/**
 * The gateway forwards the resolved caller to subgraphs as a short-lived JWT in one header.
 * Subgraphs accept a request only when this signature verifies, so a request sent straight to a
 * subgraph cannot claim to be anyone. Services calling each other sign the same way, naming
 * themselves as issuer.
 */
export const CALLER_CONTEXT_HEADER = 'x-omni-caller';

const AUDIENCE = 'omnigraph-subgraph';
const LIFETIME_SECONDS = 60;

export class InvalidCallerContextError extends Error {
  override name = 'InvalidCallerContextError';
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signCallerContext(secret: string, caller: Caller, issuer = 'gateway'): Promise<string> {
  return new SignJWT({ caller })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(keyOf(secret));
}

export interface VerifiedCallerContext {
  caller: Caller;
  /** `gateway`, or the name of the service that made an internal call. */
  issuer: string;
}

export async function verifyCallerContext(
  secret: string,
  headerValue: string | undefined | null,
): Promise<VerifiedCallerContext> {
  if (!headerValue) throw new InvalidCallerContextError('Missing gateway signature');
  try {
    const { payload } = await jwtVerify(headerValue, keyOf(secret), {
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const caller = callerSchema.parse(payload.caller);
    return { caller, issuer: payload.iss ?? 'unknown' };
  } catch {
    throw new InvalidCallerContextError('Invalid gateway signature');
  }
}

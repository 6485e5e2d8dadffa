import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { SCOPES_BY_KIND, callerSchema, type Caller } from './caller';

/**
 * The gateway forwards the resolved caller to subgraphs as a short-lived JWT in one header.
 * Subgraphs accept a request only when this signature verifies, so a request sent straight to a
 * subgraph cannot claim to be anyone. Services calling each other sign the same way, naming
 * themselves as issuer, and may only act as themselves.
 */
export const CALLER_CONTEXT_HEADER = 'x-omni-caller';

/** The only issuer that may speak for people (customers, staff, partners, admins). */
export const GATEWAY_ISSUER = 'gateway';

const AUDIENCE = 'omnigraph-subgraph';
// A header is signed for one fetch and used at once, so it only has to outlive one hop; a captured
// header is worth little for long. The tolerance absorbs clock skew between hosts, not queueing.
export const CALLER_CONTEXT_LIFETIME_SECONDS = 15;
const CLOCK_TOLERANCE_SECONDS = 5;

/** Why a header was refused; the subgraph logs some of these for operators, the client sees none. */
export type InvalidCallerContextReason = 'missing' | 'malformed' | 'signature' | 'expired' | 'claims' | 'issuer' | 'operation';

export class InvalidCallerContextError extends Error {
  override name = 'InvalidCallerContextError';
  constructor(
    message: string,
    readonly reason: InvalidCallerContextReason,
  ) {
    super(message);
  }
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Binds a header to the exact operation text it was issued for, so it cannot be replayed for another. */
export function operationDigest(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

const PERSONAL_FIELDS = ['customerId', 'guestId', 'staffId', 'staffRole', 'locationId', 'partnerId', 'clientAddress'] as const;

/**
 * Who may sign for whom. Only the gateway authenticates people, so only it signs non-service
 * callers; a service signs as itself with nothing but service scopes. Nothing forwards a person's
 * caller between services today, so a service can never act for (or above) anyone else.
 */
export function mayIssue(issuer: string, caller: Caller): boolean {
  if (issuer === GATEWAY_ISSUER) return caller.kind !== 'service';
  return (
    caller.kind === 'service' &&
    caller.service === issuer &&
    caller.scopes.every((scope) => SCOPES_BY_KIND.service.includes(scope)) &&
    PERSONAL_FIELDS.every((field) => caller[field] === undefined)
  );
}

export interface CallerContextClaims {
  caller: Caller;
  /** The operation text sent with the header, exactly as sent. */
  query: string;
  /** `gateway`, or the name of the service making an internal call; defaults to the gateway. */
  issuer?: string;
}

export async function signCallerContext(secret: string, { caller, query, issuer = GATEWAY_ISSUER }: CallerContextClaims): Promise<string> {
  if (!mayIssue(issuer, caller)) {
    throw new InvalidCallerContextError(`${issuer} may not sign a ${caller.kind} caller`, 'issuer');
  }
  return new SignJWT({ caller, op: operationDigest(query) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${CALLER_CONTEXT_LIFETIME_SECONDS}s`)
    .sign(keyOf(secret));
}

export interface VerifiedCallerContext {
  caller: Caller;
  /** `gateway`, or the name of the service that made an internal call. */
  issuer: string;
  /** SHA-256 (hex) of the operation the header was issued for; see `assertSignedForOperation`. */
  operationDigest: string;
}

function reasonOf(error: unknown): InvalidCallerContextReason {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'claims';
  return 'malformed';
}

export async function verifyCallerContext(secret: string, headerValue: string | undefined | null): Promise<VerifiedCallerContext> {
  if (!headerValue) throw new InvalidCallerContextError('Missing gateway signature', 'missing');
  let payload;
  try {
    ({ payload } = await jwtVerify(headerValue, keyOf(secret), {
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['iss', 'exp', 'op'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new InvalidCallerContextError('Invalid gateway signature', reasonOf(error));
  }
  const caller = callerSchema.safeParse(payload.caller);
  if (!caller.success || typeof payload.op !== 'string' || !payload.iss) {
    throw new InvalidCallerContextError('Invalid gateway signature', 'claims');
  }
  if (!mayIssue(payload.iss, caller.data)) {
    throw new InvalidCallerContextError('Invalid gateway signature', 'issuer');
  }
  return { caller: caller.data, issuer: payload.iss, operationDigest: payload.op };
}

/** Refuses a verified header presented with an operation other than the one it was signed for. */
export function assertSignedForOperation(verified: VerifiedCallerContext, query: string): void {
  if (verified.operationDigest !== operationDigest(query)) {
    throw new InvalidCallerContextError('Gateway signature was issued for a different operation', 'operation');
  }
}

/** The issuer a header claims, unverified: only for naming the sender in an operator's log line. */
export function unverifiedIssuer(headerValue: string | undefined | null): string {
  try {
    const issuer = headerValue ? decodeJwt(headerValue).iss : undefined;
    return issuer && /^[\w.-]{1,40}$/.test(issuer) ? issuer : 'unknown';
  } catch {
    return 'unknown';
  }
}

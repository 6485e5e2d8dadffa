import { createHash } from 'node:crypto';
import { SCOPES_BY_KIND, callerSchema, type Caller } from './caller';
import { CompactTokenError, signCompactHs256, verifyCompactHs256 } from './compact-hs256';

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
// header is worth little for long. The tolerance absorbs clock skew between hosts, not queueing;
// a receiver therefore accepts a header for up to lifetime + tolerance after it was signed.
export const CALLER_CONTEXT_LIFETIME_SECONDS = 15;
export const CLOCK_TOLERANCE_SECONDS = 5;

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

/**
 * What a header is signed for: the operation text exactly as sent, the operation name when one is
 * sent, and the variables. Binding the variables too means a captured header cannot carry the same
 * mutation with other arguments (another quantity, another id).
 */
export interface SignedOperation {
  query: string;
  /** JSON-compatible values as they go on the wire; absent, null and `{}` are the same. */
  variables?: unknown;
  /** Absent and null are the same. */
  operationName?: string | null;
}

type OpenContainer = { source: unknown[]; keys: null; index: number } | { source: Record<string, unknown>; keys: string[]; index: number; written: boolean };

function asJson(value: unknown, key: string): unknown {
  const toJSON = value !== null && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? (toJSON as (key: string) => unknown).call(value, key) : value;
}

const leftOut = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * A value in one canonical JSON form (RFC 8785 style): object keys sorted by UTF-16 code units,
 * no whitespace, numbers and strings as `JSON.stringify` writes them, and what `JSON.stringify`
 * drops or turns into null treated the same way. The sender hashes its values before they are
 * serialised and the receiver hashes what it parsed; both arrive at the same text whatever key
 * order the JSON had. Walks with its own stack, so deeply nested input cannot overflow the call stack.
 */
export function canonicalJson(root: unknown): string {
  let out = '';
  const stack: OpenContainer[] = [];
  const open = new Set<object>();

  const write = (value: unknown): void => {
    if (value === null) out += 'null';
    else if (typeof value === 'string') out += JSON.stringify(value);
    else if (typeof value === 'number') out += Number.isFinite(value) ? JSON.stringify(value) : 'null';
    else if (typeof value === 'boolean') out += value ? 'true' : 'false';
    else if (typeof value === 'object') {
      if (open.has(value)) throw new TypeError('Cannot serialise a circular structure');
      open.add(value);
      if (Array.isArray(value)) {
        out += '[';
        stack.push({ source: value as unknown[], keys: null, index: 0 });
      } else {
        out += '{';
        stack.push({ source: value as Record<string, unknown>, keys: Object.keys(value).sort(), index: 0, written: false });
      }
    } else throw new TypeError(`Cannot serialise a ${typeof value} as JSON`);
  };

  const top = asJson(root, '');
  write(leftOut(top) ? null : top);
  while (stack.length > 0) {
    const container = stack[stack.length - 1]!;
    if (container.keys === null) {
      if (container.index >= container.source.length) {
        out += ']';
        open.delete(container.source);
        stack.pop();
        continue;
      }
      const index = container.index++;
      if (index > 0) out += ',';
      const item = asJson(container.source[index], String(index));
      write(leftOut(item) ? null : item);
    } else {
      if (container.index >= container.keys.length) {
        out += '}';
        open.delete(container.source);
        stack.pop();
        continue;
      }
      const key = container.keys[container.index++]!;
      const item = asJson(container.source[key], key);
      if (leftOut(item)) continue;
      out += `${container.written ? ',' : ''}${JSON.stringify(key)}:`;
      container.written = true;
      write(item);
    }
  }
  return out;
}

/** SHA-256 (hex) of one operation with its name and variables, in canonical JSON. */
export function operationDigest({ query, variables, operationName }: SignedOperation): string {
  const signed = { query, operationName: operationName ?? null, variables: variables ?? {} };
  return createHash('sha256').update(canonicalJson(signed)).digest('hex');
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

export interface CallerContextClaims extends SignedOperation {
  caller: Caller;
  /** `gateway`, or the name of the service making an internal call; defaults to the gateway. */
  issuer?: string;
}

/**
 * One header per subgraph fetch: a compact HS256 JWT (see compact-hs256.ts) carrying the caller and
 * the operation digest, issued now and expiring CALLER_CONTEXT_LIFETIME_SECONDS later.
 */
export async function signCallerContext(secret: string, { caller, issuer = GATEWAY_ISSUER, ...operation }: CallerContextClaims): Promise<string> {
  if (!mayIssue(issuer, caller)) {
    throw new InvalidCallerContextError(`${issuer} may not sign a ${caller.kind} caller`, 'issuer');
  }
  const issuedAt = Math.floor(Date.now() / 1000);
  return signCompactHs256(secret, {
    caller,
    op: operationDigest(operation),
    iss: issuer,
    aud: AUDIENCE,
    iat: issuedAt,
    exp: issuedAt + CALLER_CONTEXT_LIFETIME_SECONDS,
  });
}

export interface VerifiedCallerContext {
  caller: Caller;
  /** `gateway`, or the name of the service that made an internal call. */
  issuer: string;
  /** `operationDigest` of the operation the header was issued for; see `assertSignedForOperation`. */
  operationDigest: string;
  /** The header's `exp`, seconds since the epoch: it is refused once `exp <= now - CLOCK_TOLERANCE_SECONDS`. */
  expiresAt: number;
}

export async function verifyCallerContext(secret: string, headerValue: string | undefined | null): Promise<VerifiedCallerContext> {
  if (!headerValue) throw new InvalidCallerContextError('Missing gateway signature', 'missing');
  let payload;
  try {
    payload = verifyCompactHs256(secret, headerValue, { audience: AUDIENCE, requiredClaims: ['iss', 'exp', 'op'], clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS });
  } catch (error) {
    throw new InvalidCallerContextError('Invalid gateway signature', error instanceof CompactTokenError ? error.failure : 'malformed');
  }
  const caller = callerSchema.safeParse(payload.caller);
  if (!caller.success || typeof payload.op !== 'string' || typeof payload.iss !== 'string' || !payload.iss) {
    throw new InvalidCallerContextError('Invalid gateway signature', 'claims');
  }
  if (!mayIssue(payload.iss, caller.data)) {
    throw new InvalidCallerContextError('Invalid gateway signature', 'issuer');
  }
  return { caller: caller.data, issuer: payload.iss, operationDigest: payload.op, expiresAt: payload.exp as number };
}

/** Refuses a verified header presented with an operation, name or variables other than those it was signed for. */
export function assertSignedForOperation(verified: VerifiedCallerContext, operation: SignedOperation): void {
  if (verified.operationDigest !== operationDigest(operation)) {
    throw new InvalidCallerContextError('Gateway signature was issued for a different operation or variables', 'operation');
  }
}

/** The issuer a header claims, unverified: only for naming the sender in an operator's log line. */
export function unverifiedIssuer(headerValue: string | undefined | null): string {
  try {
    const payload = headerValue?.split('.')[1];
    const issuer: unknown = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss : undefined;
    return typeof issuer === 'string' && /^[\w.-]{1,40}$/.test(issuer) ? issuer : 'unknown';
  } catch {
    return 'unknown';
  }
}

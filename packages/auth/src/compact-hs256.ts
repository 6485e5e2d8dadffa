import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * HS256 JSON Web Tokens (RFC 7519, compact form) signed and checked with one HMAC from node:crypto.
 * The caller header is signed for every subgraph fetch and checked on every subgraph request; a
 * general JOSE library spends most of that time on option handling, key import and promise hops,
 * not on the HMAC. The tokens stay standard JWTs: anything a JOSE library signs with HS256 and the
 * same secret verifies here, and the other way round.
 */

/** Why a token was refused, in the terms the caller header distinguishes. */
export type CompactTokenFailure = 'malformed' | 'signature' | 'expired' | 'claims';

export class CompactTokenError extends Error {
  override name = 'CompactTokenError';
  constructor(readonly failure: CompactTokenFailure) {
    super(`token refused: ${failure}`);
  }
}

const PROTECTED_HEADER = base64url(JSON.stringify({ alg: 'HS256' }));

// Few secrets per process (the signing secret, a test's foreign one); the key import is paid once each.
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 16;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function hmac(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', keyOf(secret)).update(signingInput).digest();
}

/** Signs `claims` (which must carry their own `iat`/`exp`) as a compact HS256 JWT. */
export function signCompactHs256(secret: string, claims: Record<string, unknown>): string {
  const signingInput = `${PROTECTED_HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${hmac(secret, signingInput).toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string): unknown {
  if (!BASE64URL.test(segment)) throw new CompactTokenError('malformed');
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new CompactTokenError('malformed');
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface CompactVerifyOptions {
  audience: string;
  /** Claims that must be present (besides the audience). */
  requiredClaims: readonly string[];
  clockToleranceSeconds: number;
  /** Seconds since the epoch; `Date.now()` by default. */
  now?: number;
}

/**
 * The claims of a token whose HS256 signature verifies under `secret`, with the checks a JOSE
 * library makes: only `alg: HS256` and no critical extensions, the signature compared in constant
 * time before any claim is trusted, the audience, required claims, `exp` and `nbf` within the
 * clock tolerance, numeric dates.
 */
export function verifyCompactHs256(secret: string, token: string, options: CompactVerifyOptions): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new CompactTokenError('malformed');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  if (encodedHeader !== PROTECTED_HEADER) {
    // Other encodings of the same header (a `typ`, another key order) are valid JWTs too.
    const header = decodeSegment(encodedHeader);
    if (!isRecord(header) || header.alg !== 'HS256' || 'crit' in header || 'b64' in header) throw new CompactTokenError('malformed');
  }
  if (!BASE64URL.test(encodedSignature)) throw new CompactTokenError('malformed');
  const expected = hmac(secret, `${encodedHeader}.${encodedPayload}`);
  const presented = Buffer.from(encodedSignature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw new CompactTokenError('signature');

  const claims = decodeSegment(encodedPayload);
  if (!isRecord(claims)) throw new CompactTokenError('malformed');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.clockToleranceSeconds;
  for (const name of ['iat', 'exp', 'nbf'] as const) {
    if (name in claims && (typeof claims[name] !== 'number' || !Number.isFinite(claims[name]))) throw new CompactTokenError('claims');
  }
  for (const name of options.requiredClaims) {
    if (!(name in claims)) throw new CompactTokenError('claims');
  }
  const audience = claims.aud;
  if (!(audience === options.audience || (Array.isArray(audience) && audience.includes(options.audience)))) throw new CompactTokenError('claims');
  if (typeof claims.nbf === 'number' && claims.nbf > now + tolerance) throw new CompactTokenError('claims');
  if (typeof claims.exp === 'number' && claims.exp <= now - tolerance) throw new CompactTokenError('expired');
  return claims;
}

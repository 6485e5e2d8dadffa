import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { CHANNELS, type Channel } from './channels';
import { SCOPES_BY_KIND, STAFF_ROLES, scopesFor, type Caller } from './caller';

/**
 * Bearer tokens presented to the gateway. HS256 with a shared secret keeps the demo
 * self-contained; the claims are what an external identity provider would issue.
 */
const ISSUER = 'omnigraph';
const AUDIENCE = 'omnigraph-api';

export const TOKEN_ROLES = ['guest', 'customer', 'staff', 'partner', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/**
 * Ids in claims end up in SQL parameters and logs: printable ASCII of sane length only, so a
 * token signed by a careless issuer cannot smuggle a NUL or a megabyte into a query.
 */
const claimId = z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const claimsSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('guest'), sub: claimId, channel: z.enum(CHANNELS) }),
  z.object({
    role: z.literal('customer'),
    sub: claimId,
    channel: z.enum(CHANNELS),
    // The anonymous id of the device the customer signed in from: it proves their guest cart is theirs.
    guest: claimId.optional(),
  }),
  z.object({
    role: z.literal('staff'),
    sub: claimId,
    channel: z.enum(CHANNELS),
    location: claimId,
    // Required: a staff token that does not say what the person does grants nothing staff-only.
    staffRole: z.enum(STAFF_ROLES),
  }),
  z.object({ role: z.literal('partner'), sub: z.string().min(1) }),
  z.object({ role: z.literal('admin'), sub: claimId, channel: z.enum(CHANNELS).optional() }),
]);

export type AccessTokenClaims = z.infer<typeof claimsSchema>;

export class InvalidAccessTokenError extends Error {
  override name = 'InvalidAccessTokenError';
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function mintAccessToken(
  secret: string,
  claims: AccessTokenClaims,
  options: { expiresIn?: string | number } = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(keyOf(secret));
}

export async function verifyAccessToken(secret: string, token: string): Promise<AccessTokenClaims> {
  return (await verifyAccessTokenUntil(secret, token)).claims;
}

/** The claims of a valid token and when it expires (seconds since the epoch), for caching it no longer than that. */
export async function verifyAccessTokenUntil(secret: string, token: string): Promise<{ claims: AccessTokenClaims; expiresAt: number }> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      // A token without an expiry would be a login for ever.
      requiredClaims: ['exp'],
    });
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidAccessTokenError('Token claims are not valid');
    return { claims: parsed.data, expiresAt: payload.exp! };
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new InvalidAccessTokenError('Token has expired');
    throw new InvalidAccessTokenError('Token is not valid');
  }
}

/** Turns verified token claims into the caller the rest of the system reasons about. */
export function callerFromClaims(claims: AccessTokenClaims): Caller {
  switch (claims.role) {
    case 'guest':
      return { kind: 'guest', channel: claims.channel, guestId: claims.sub, scopes: [...SCOPES_BY_KIND.guest] };
    case 'customer':
      return {
        kind: 'customer',
        channel: claims.channel,
        customerId: claims.sub,
        ...(claims.guest ? { guestId: claims.guest } : {}),
        scopes: [...SCOPES_BY_KIND.customer],
      };
    case 'staff':
      return {
        kind: 'staff',
        channel: claims.channel,
        staffId: claims.sub,
        staffRole: claims.staffRole,
        locationId: claims.location,
        scopes: scopesFor('staff', claims.staffRole),
      };
    case 'partner':
      return { kind: 'partner', channel: 'MARKETPLACE', partnerId: claims.sub, scopes: [...SCOPES_BY_KIND.partner] };
    case 'admin':
      return { kind: 'admin', channel: claims.channel ?? 'WEB', staffId: claims.sub, scopes: [...SCOPES_BY_KIND.admin] };
  }
}

export type { Channel };

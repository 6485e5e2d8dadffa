import { z } from 'zod';
import { CHANNELS, type Channel } from './channels';

/** Who is calling. Decided once by the gateway, trusted by subgraphs only behind its signature. */
export const CALLER_KINDS = ['anonymous', 'guest', 'customer', 'staff', 'partner', 'admin', 'service'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

/**
 * What a caller may do. Scopes are coarse capabilities; ownership rules (a customer sees only
 * their own cart) are decided by each subgraph's service layer on top of them.
 */
export const SCOPES = [
  'catalog:read',
  // Everything a shopper-facing client may read besides the catalog (promotions, staff names on
  // receipts and chats). Partners lack it: a partner key reads the catalog and nothing else.
  'storefront:read',
  'catalog:write',
  'inventory:read',
  'inventory:write',
  'customers:read',
  'customers:write',
  'carts:read',
  'carts:write',
  'promotions:write',
  'support:read',
  'support:write',
  'internal',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What a staff member does; decides their permissions (see PERMISSIONS.md). */
export const STAFF_ROLES = ['CASHIER', 'STORE_MANAGER', 'SUPPORT_AGENT', 'WAREHOUSE'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const callerSchema = z.object({
  kind: z.enum(CALLER_KINDS),
  channel: z.enum(CHANNELS),
  customerId: z.string().optional(),
  guestId: z.string().optional(),
  staffId: z.string().optional(),
  /** Set for staff callers: the job their permissions follow. */
  staffRole: z.enum(STAFF_ROLES).optional(),
  locationId: z.string().optional(),
  partnerId: z.string().optional(),
  service: z.string().optional(),
  /**
   * The network address the request reached the gateway from, for per-client limits (sign-in
   * codes). Only the gateway sets it; it grants nothing.
   */
  clientAddress: z.string().max(64).optional(),
  scopes: z.array(z.enum(SCOPES)),
});

export type Caller = z.infer<typeof callerSchema>;

/** Scopes each kind of caller gets; partner keys read the published catalog and nothing else. */
export const SCOPES_BY_KIND: Record<CallerKind, readonly Scope[]> = {
  anonymous: ['catalog:read', 'storefront:read'],
  guest: ['catalog:read', 'storefront:read'],
  customer: ['catalog:read', 'storefront:read'],
  staff: [
    'catalog:read',
    'storefront:read',
    'inventory:read',
    'inventory:write',
    'customers:read',
    'customers:write',
    'carts:read',
    'carts:write',
    'support:read',
    'support:write',
  ],
  partner: ['catalog:read'],
  admin: SCOPES.filter((scope) => scope !== 'internal'),
  service: ['internal'],
};

export function anonymousCaller(channel: Channel = 'WEB'): Caller {
  return { kind: 'anonymous', channel, scopes: [...SCOPES_BY_KIND.anonymous] };
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.includes(scope);
}

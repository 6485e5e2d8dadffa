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
  // Moving an order's fulfilment on (ready, collected, shipped) and taking goods back: work done
  // where the goods are, so staff hold them only for their own location.
  'orders:fulfil',
  'returns:write',
  // Merging two customer records cannot be undone by the people who merge, so it is kept to
  // those who resolve identities (support, a store manager confirming in person), not every till.
  'customers:merge',
  // Exporting or erasing someone else's personal data: every record about a person leaves or
  // disappears at once, so it is an administrator's act (customers do it for themselves).
  'personal-data:manage',
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

/**
 * Scopes each kind of caller gets; partner keys read the published catalog and nothing else. A
 * staff member's scopes follow their role (SCOPES_BY_STAFF_ROLE); a staff caller without a known
 * role gets only what every shopper gets, so a missing role never widens access.
 */
export const SCOPES_BY_KIND: Record<CallerKind, readonly Scope[]> = {
  anonymous: ['catalog:read', 'storefront:read'],
  guest: ['catalog:read', 'storefront:read'],
  customer: ['catalog:read', 'storefront:read'],
  staff: ['catalog:read', 'storefront:read'],
  partner: ['catalog:read'],
  admin: SCOPES.filter((scope) => scope !== 'internal'),
  service: ['internal'],
};

const STORE_FLOOR: readonly Scope[] = [
  'catalog:read',
  'storefront:read',
  'inventory:read',
  'customers:read',
  'customers:write',
  'carts:read',
  'carts:write',
  'orders:fulfil',
  'returns:write',
];

/**
 * What each staff role may do (PERMISSIONS.md is the matrix). Location-bound scopes (stock,
 * fulfilment, returns, the store a till sale is collected at) hold only at the staff member's own
 * location; services check that against `locationId`.
 */
export const SCOPES_BY_STAFF_ROLE: Record<StaffRole, readonly Scope[]> = {
  CASHIER: STORE_FLOOR,
  // The manager also counts stock, confirms in person that two records are one customer, and
  // works the conversations of their store's customers (taking, transferring, resolving them).
  STORE_MANAGER: [...STORE_FLOOR, 'inventory:write', 'customers:merge', 'support:read', 'support:write'],
  SUPPORT_AGENT: [
    'catalog:read',
    'storefront:read',
    'customers:read',
    'customers:write',
    'customers:merge',
    'carts:read',
    'carts:write',
    'support:read',
    'support:write',
  ],
  // Warehouse work needs stock and the orders shipped from there, never a customer's profile.
  WAREHOUSE: ['catalog:read', 'storefront:read', 'inventory:read', 'inventory:write', 'orders:fulfil'],
};

/** The scopes a caller of this kind (and, for staff, this role) holds. */
export function scopesFor(kind: CallerKind, staffRole?: StaffRole): Scope[] {
  if (kind === 'staff' && staffRole) return [...SCOPES_BY_STAFF_ROLE[staffRole]];
  return [...SCOPES_BY_KIND[kind]];
}

/**
 * Whether a location-bound permission holds at `locationId`: admins work everywhere, staff only
 * where their token binds them.
 */
export function worksAt(caller: Caller, locationId: string | null | undefined): boolean {
  if (caller.kind === 'admin') return true;
  return caller.kind === 'staff' && !!caller.locationId && caller.locationId === locationId;
}

export function anonymousCaller(channel: Channel = 'WEB'): Caller {
  return { kind: 'anonymous', channel, scopes: [...SCOPES_BY_KIND.anonymous] };
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.includes(scope);
}

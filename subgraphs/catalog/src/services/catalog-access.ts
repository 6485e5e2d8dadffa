import { hasScope, type Caller } from '@omni/auth';
import { requireScope } from '@omni/graphql';

/**
 * The published catalog is public to every caller the gateway vouches for. Sibling services read
 * it too (resolving the references they hold), so an internal caller counts as a reader.
 */
export function requireCatalogRead(caller: Caller): void {
  if (hasScope(caller, 'internal')) return;
  requireScope(caller, 'catalog:read');
}

/**
 * On-hand and reserved counts and the adjustment trail are operational data: store staff and
 * admins see them; shoppers and partners only see what is available to sell.
 */
export function canSeeInventoryInternals(caller: Caller): boolean {
  return hasScope(caller, 'inventory:read');
}

/**
 * The channel whose publication decides what the caller sees; null for callers who see drafts and
 * every channel's products (catalog managers and sibling services).
 */
export function visibilityChannel(caller: Caller): string | null {
  if (hasScope(caller, 'internal') || hasScope(caller, 'catalog:write')) return null;
  return caller.channel;
}

export function isVisibleTo(caller: Caller, product: { channels: readonly string[] }): boolean {
  const channel = visibilityChannel(caller);
  return channel === null || product.channels.includes(channel);
}

/**
 * A product another subgraph points at (a cart or order line, a viewed product). Staff serve
 * customers across channels and after the fact (a call-center agent reading a web cart, a cashier
 * taking back something since withdrawn), so they resolve every one. Anyone else gets what
 * `product(id)` would give them: an id planted in a cart, a view or a chat must not reveal a draft.
 */
export function isReferenceVisibleTo(caller: Caller, product: { channels: readonly string[] }): boolean {
  return caller.kind === 'staff' || isVisibleTo(caller, product);
}

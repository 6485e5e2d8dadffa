import { isIdOf } from '@omni/db';

/**
 * Which type an id names, by its prefix: ids are opaque but typed (`prod_…`, `cart_…`), so
 * `Query.node` knows the type of any id without asking the subgraph that owns it. Only entities
 * whose subgraph resolves them by `@key(fields: "id")` are here; ids of anything else (cart lines,
 * messages, timeline entries) name no `Node`.
 */
export const NODE_TYPE_BY_PREFIX = {
  cus: 'Customer',
  staff: 'StaffMember',
  prod: 'Product',
  var: 'Variant',
  cat: 'Category',
  loc: 'Location',
  cart: 'Cart',
  ord: 'Order',
  promo: 'Promotion',
  conv: 'Conversation',
} as const;

export type NodeTypeName = (typeof NODE_TYPE_BY_PREFIX)[keyof typeof NODE_TYPE_BY_PREFIX];

/** The type an id names, or null when it is not the id of any `Node` (wrong prefix or shape). */
export function nodeTypeOf(id: string): NodeTypeName | null {
  const prefix = id.slice(0, id.indexOf('_'));
  if (!Object.hasOwn(NODE_TYPE_BY_PREFIX, prefix)) return null;
  return isIdOf(prefix, id) ? NODE_TYPE_BY_PREFIX[prefix as keyof typeof NODE_TYPE_BY_PREFIX] : null;
}

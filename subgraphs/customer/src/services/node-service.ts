import { z } from 'zod';
import { badUserInput } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { getCustomer } from './customer-service';
import { nodeTypeOf, type NodeTypeName } from './node-ids';
import { getStaffMember } from './staff-service';

export const MAX_NODE_IDS = 100;

/** What `Query.node` answers: a row of this subgraph, or a reference the gateway completes from the owner. */
export type NodeResult = { __typename: NodeTypeName; id: string } & Record<string, unknown>;

const nodeIds = z.array(z.string()).max(MAX_NODE_IDS, `At most ${MAX_NODE_IDS} ids per call`);

/**
 * `Query.node`. Customers and staff members are read here through the same services as every other
 * read of them, so the same rules apply. Every other type is answered as a reference
 * (`__typename`, `id`): the gateway fetches its fields from the owning subgraph through its
 * `__resolveReference`, which decides what this caller may read and answers null for an id of nothing.
 */
export async function resolveNode(ctx: CustomerContext, id: string): Promise<NodeResult | null> {
  const typename = nodeTypeOf(id);
  if (typename === 'Customer') return withTypename('Customer', await getCustomer(ctx, id));
  if (typename === 'StaffMember') return withTypename('StaffMember', await getStaffMember(ctx, id));
  return typename ? { __typename: typename, id } : null;
}

/**
 * `Query.nodes`: each id as `node` answers it, in the order asked; refused as a whole above 100 ids.
 * One promise per id, so an id the caller may not read is a null with its own error at its own
 * index instead of failing the others.
 */
export function resolveNodes(ctx: CustomerContext, ids: unknown): Promise<NodeResult | null>[] {
  const parsed = nodeIds.safeParse(ids);
  if (!parsed.success) throw badUserInput(parsed.error.issues[0]?.message ?? 'ids: invalid');
  return parsed.data.map((id) => resolveNode(ctx, id));
}

function withTypename(typename: NodeTypeName, row: object | null): NodeResult | null {
  return row ? ({ ...row, __typename: typename } as NodeResult) : null;
}

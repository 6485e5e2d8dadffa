import type { ConnectionArgs } from '@omni/graphql';
import type { CartContext } from '../context';
import { listSalesOfStaff } from '../services/staff-sales-service';

/** The customer subgraph owns staff; the gateway hands over the id and home location `sales` requires. */
interface StaffReference {
  id: string;
  homeLocation?: { id: string } | null;
}

export const StaffMember = {
  __resolveReference: (reference: StaffReference) => reference,
  sales: (staff: StaffReference, args: ConnectionArgs, ctx: CartContext) =>
    listSalesOfStaff(ctx, { id: staff.id, homeLocationId: staff.homeLocation?.id ?? null }, args),
};

/** The count and the totals are one statement of their own, sent only when either is asked. */
export const StaffSalesConnection = {
  totalCount: (connection: { countSales(): Promise<number> }) => connection.countSales(),
  totals: (connection: { sumTotals(): Promise<unknown[]> }) => connection.sumTotals(),
};

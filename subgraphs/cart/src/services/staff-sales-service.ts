import { forbidden, isIdKey, isTimestampKey, pageRequest, toConnection, toMoney, unauthenticated, type ConnectionArgs } from '@omni/graphql';
import type { CartContext } from '../context';
import type { OrderRow } from '../db/schema';
import type { StaffSalesCursor } from '../db/staff-sales-queries';
import { staffSalesAccess, type SalesPerson } from './staff-sales-access';

const isSalesCursor = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && isTimestampKey(value[0]) && isIdKey(value[1]);

/**
 * `StaffMember.sales`: the orders credited to a staff member (`Order.creditedStaff`), in every
 * channel, newest first. Pages of many staff members cost one statement; the totals one more,
 * only when asked.
 */
export async function listSalesOfStaff(ctx: CartContext, person: SalesPerson, args: ConnectionArgs) {
  const access = staffSalesAccess(ctx.caller, person);
  if (access === 'unauthenticated') throw unauthenticated();
  if (access === 'forbidden') throw forbidden("You may read only your own sales, or your store's staff's as its manager");
  const request = pageRequest(args, isSalesCursor);
  const page = { limit: request.limit, after: request.after && ({ placedAt: request.after[0], id: request.after[1] } satisfies StaffSalesCursor) };
  const rows = await ctx.loaders.salesPagesByStaffId.load(person.id, page);
  const totals = () => ctx.loaders.salesTotalsByStaffId.load(person.id);
  return {
    ...toConnection(rows, request, (order: OrderRow) => [order.placedAt.toISOString(), order.id]),
    countSales: async () => (await totals()).reduce((sum, row) => sum + row.count, 0),
    sumTotals: async () => (await totals()).map((row) => toMoney(row.totalMinor, row.currencyCode)),
  };
}

import { createBatchLoader, createChildPageLoader, createGroupedLoader, createKeyedLoader } from '@omni/graphql';
import type { CatalogClient, LocationCoverage } from '../clients/catalog-client';
import type { CartDb } from '../db/database';
import type { CartRow, OrderRow } from '../db/schema';
import { findActiveCartsByCustomerIds, findAllLinesOfCarts, findCartsByIds, findLinePages } from '../db/cart-queries';
import {
  countOrdersOfCustomers,
  findOrderLinesByOrderIds,
  findOrderPagesOfCustomers,
  findOrdersByIds,
  findReturnLinesByReturnIds,
  findReturnsByOrderIds,
} from '../db/order-queries';
import { findSalesPagesOfStaff, sumSalesOfStaff, type StaffSalesCursor } from '../db/staff-sales-queries';

/** Fresh per request: nothing cached across callers. */
export function createLoaders(db: CartDb, catalog: CatalogClient) {
  return {
    coverageByCartId: createCoverageLoader(db, catalog),
    cartById: createKeyedLoader((ids: readonly string[]) => findCartsByIds(db, ids), (row) => row.id),
    // The partial unique index guarantees at most one active cart per customer, so keying by customer
    // is exact; a merged id answers with its survivor's cart in the same statement.
    activeCartByCustomerId: createBatchLoader(async (customerIds: readonly string[]) => {
      const byKey = new Map<string, CartRow>();
      for (const { cart, mergedId } of await findActiveCartsByCustomerIds(db, customerIds)) {
        byKey.set(cart.customerId!, cart);
        if (mergedId) byKey.set(mergedId, cart);
      }
      return customerIds.map((id) => byKey.get(id) ?? null);
    }),
    linePagesByCartId: createChildPageLoader((cartIds, page) => findLinePages(db, cartIds, page), (row) => row.cartId),
    orderById: createKeyedLoader((ids: readonly string[]) => findOrdersByIds(db, ids), (row) => row.id),
    orderPagesByCustomerId: createChildPageLoader((customerIds, page) => findOrderPagesOfCustomers(db, customerIds, page), (row) => row.customerId!),
    // Customers without orders have no row: the loader answers null for them.
    orderCountByCustomerId: createKeyedLoader((customerIds: readonly string[]) => countOrdersOfCustomers(db, customerIds), (row) => row.customerId),
    returnsByOrderId: createGroupedLoader((orderIds: readonly string[]) => findReturnsByOrderIds(db, orderIds), (row) => row.orderId),
    returnLinesByReturnId: createGroupedLoader((returnIds: readonly string[]) => findReturnLinesByReturnIds(db, returnIds), (row) => row.returnId),
    salesPagesByStaffId: createChildPageLoader<OrderRow, StaffSalesCursor>((staffIds, page) => findSalesPagesOfStaff(db, staffIds, page), (row) => row.staffId!),
    // One row per currency the staff member sold in; none when they sold nothing.
    salesTotalsByStaffId: createGroupedLoader((staffIds: readonly string[]) => sumSalesOfStaff(db, staffIds), (row) => row.staffId),
    orderLinesByOrderId: createGroupedLoader((orderIds: readonly string[]) => findOrderLinesByOrderIds(db, orderIds), (row) => row.orderId),
  };
}

export type CartLoaders = ReturnType<typeof createLoaders>;

/**
 * Each cart's lines and the catalog's answer on which locations can fill them all, asked once per
 * request however many option fields a query selects. Empty carts have no coverage.
 */
function createCoverageLoader(db: CartDb, catalog: CatalogClient) {
  return createBatchLoader<string, LocationCoverage[]>(async (cartIds) => {
    const lines = await findAllLinesOfCarts(db, cartIds);
    return Promise.all(
      cartIds.map((cartId) => {
        const own = lines.filter((line) => line.cartId === cartId);
        return own.length > 0 ? catalog.stockCoverage(own) : Promise.resolve([]);
      }),
    );
  });
}

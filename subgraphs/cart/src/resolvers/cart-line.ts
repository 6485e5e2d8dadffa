import { toMoney } from '@omni/graphql';
import type { CartLineRow } from '../db/schema';

export const CartLine = {
  variant: (line: CartLineRow) => ({ __typename: 'Variant', id: line.variantId }),
  unitPrice: (line: CartLineRow) => toMoney(line.unitPriceMinor, line.currencyCode),
  lineTotal: (line: CartLineRow) => toMoney(line.unitPriceMinor * line.quantity, line.currencyCode),
  addedByStaff: (line: CartLineRow) => (line.addedByStaffId ? { __typename: 'StaffMember', id: line.addedByStaffId } : null),
};

// Lines are at most 100 per cart (the server's CART_FULL), so one page holds them all.
const CART_FIELDS = `id version status couponCodes customer { id } lines(first: 100) { edges { node { id quantity variant { id } } } }`;

export const SYNC_CART = `mutation PosSyncCart($input: SyncCartInput!) {
  syncCart(input: $input) {
    cart { ${CART_FIELDS} }
    results { opId status reason quantity replayed }
    changedElsewhere
    userErrors { code message field }
  }
}`;

export const RECORD_OFFLINE_SALE = `mutation PosRecordOfflineSale($input: RecordOfflineSaleInput!) {
  recordOfflineSale(input: $input) {
    order { id }
    stockRecorded
    shortfalls { variant { id } onHand shortfall }
    userErrors { code message field }
  }
}`;

export interface CartPayload {
  id: string;
  version: number;
  status: string;
  couponCodes: string[];
  customer: { id: string } | null;
  lines: { edges: { node: { id: string; quantity: number; variant: { id: string } | null } }[] };
}

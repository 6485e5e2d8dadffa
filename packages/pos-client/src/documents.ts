// Lines are at most 100 per cart (the server's CART_FULL), so one page holds them all.
export const CART_FIELDS = `id version status couponCodes customer { id } lines(first: 100) { edges { node { id quantity variant { id } } } }`;

export const SYNC_CART = `mutation PosSyncCart($input: SyncCartInput!) {
  syncCart(input: $input) {
    cart { ${CART_FIELDS} }
    results { opId status reason quantity replayed }
    changedElsewhere
    userErrors { code message field }
  }
}`;

/** The cart as other devices change it, over the gateway's WebSocket (graphql-ws). */
export const CART_UPDATED = `subscription PosCartUpdated($cartId: ID!) {
  cartUpdated(cartId: $cartId) { ${CART_FIELDS} }
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

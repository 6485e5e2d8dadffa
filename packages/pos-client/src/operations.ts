/** The operation kinds `syncCart` understands (`CartSyncOperationKind`). */
export type CartOperationKind = 'ADD_LINE' | 'SET_QUANTITY' | 'REMOVE_LINE' | 'SET_CUSTOMER' | 'APPLY_COUPON' | 'REMOVE_COUPON';

/** One change the till made, queued until the server has answered it. */
export interface CartOperation {
  /** UUID made on the till: the server applies an operation once per `opId`, however often it arrives. */
  opId: string;
  /** ISO time by the till's clock; quantity changes are last-writer-wins by it. */
  deviceTime: string;
  kind: CartOperationKind;
  variantId?: string;
  quantity?: number;
  customerId?: string;
  couponCode?: string;
}

export type OperationStatus = 'APPLIED' | 'MERGED' | 'REJECTED';
export type OperationReason =
  | 'CAPPED'
  | 'SUPERSEDED'
  | 'ALREADY_DONE'
  | 'LINE_REMOVED'
  | 'UNAVAILABLE'
  | 'CART_FULL'
  | 'TOO_MANY_COUPONS'
  | 'CUSTOMER_ALREADY_SET'
  | 'CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_HAS_CART';

/** What the server did with one operation (`CartSyncOperationResult`). */
export interface OperationResult {
  opId: string;
  status: OperationStatus;
  reason: OperationReason | null;
  quantity: number | null;
  replayed: boolean;
}

/** An expected refusal of a whole batch or sale (`UserError`). */
export interface UserError {
  code: string;
  message: string;
  field?: string[] | null;
}

/** Coupon codes are compared as the server keeps them: trimmed and upper-cased. */
export const normalizeCouponCode = (code: string) => code.trim().toUpperCase();

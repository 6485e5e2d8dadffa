import { normalizeCouponCode, type CartOperation } from './operations';

export interface CartLineState {
  /** The server's line id; null for a line only the till knows yet. */
  id: string | null;
  variantId: string;
  quantity: number;
}

/** The part of a cart a till edits, as the server last answered it or as the till expects it to become. */
export interface CartState {
  id: string;
  /** The server's version; the till sends it as `baseVersion`. */
  version: number;
  status: string;
  customerId: string | null;
  couponCodes: string[];
  lines: CartLineState[];
}

const MAX_QUANTITY = 999;

/**
 * Applies one queued operation to a cart the way the server would if nobody else had changed it:
 * what the till shows before the server has answered. The server's answer replaces the result
 * (availability caps, other devices' changes), so this never has to be right, only plausible.
 */
export function applyOperation(cart: CartState, operation: CartOperation): CartState {
  switch (operation.kind) {
    case 'ADD_LINE': {
      const quantity = operation.quantity ?? 0;
      const existing = cart.lines.find((line) => line.variantId === operation.variantId);
      if (existing) return withLine(cart, { ...existing, quantity: Math.min(MAX_QUANTITY, existing.quantity + quantity) });
      return { ...cart, lines: [...cart.lines, { id: null, variantId: operation.variantId!, quantity: Math.min(MAX_QUANTITY, quantity) }] };
    }
    case 'SET_QUANTITY': {
      if (!operation.quantity) return withoutLine(cart, operation.variantId!);
      const existing = cart.lines.find((line) => line.variantId === operation.variantId);
      // Setting a line the cart does not hold is LINE_REMOVED on the server: nothing to show.
      return existing ? withLine(cart, { ...existing, quantity: operation.quantity }) : cart;
    }
    case 'REMOVE_LINE':
      return withoutLine(cart, operation.variantId!);
    case 'SET_CUSTOMER':
      return cart.customerId ? cart : { ...cart, customerId: operation.customerId ?? null };
    case 'APPLY_COUPON': {
      const code = normalizeCouponCode(operation.couponCode ?? '');
      return cart.couponCodes.includes(code) ? cart : { ...cart, couponCodes: [...cart.couponCodes, code] };
    }
    case 'REMOVE_COUPON': {
      const code = normalizeCouponCode(operation.couponCode ?? '');
      return { ...cart, couponCodes: cart.couponCodes.filter((existing) => existing !== code) };
    }
  }
}

/** The canonical cart with every still unanswered operation applied on top, in the order made. */
export function optimisticCart(canonical: CartState, pending: readonly CartOperation[]): CartState {
  return pending.reduce(applyOperation, canonical);
}

function withLine(cart: CartState, line: CartLineState): CartState {
  return { ...cart, lines: cart.lines.map((existing) => (existing.variantId === line.variantId ? line : existing)) };
}

function withoutLine(cart: CartState, variantId: string): CartState {
  return { ...cart, lines: cart.lines.filter((line) => line.variantId !== variantId) };
}

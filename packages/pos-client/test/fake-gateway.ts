import type { CartPayload } from '../src/documents';
import type { CartOperation, OperationResult, UserError } from '../src/operations';
import { RetryableError, type GraphQLTransport } from '../src/transport';

/** How the network treats one request: lost on the way, lost on the way back (after the server acted), or delivered. */
export type Delivery = 'lost-request' | 'lost-answer' | 'ok';

/**
 * A stand-in for the gateway's syncCart and recordOfflineSale with the server's idempotency: an
 * operation is applied once per opId, a sale once per receipt. Merge rules are reduced to what the
 * tests need (adds add, set-quantity sets, removals remove).
 */
export function createFakeGateway(cartId = 'cart_1') {
  const lines = new Map<string, number>();
  const log = new Map<string, OperationResult>();
  const orders = new Map<string, string>();
  let version = 1;
  const deliveries: Delivery[] = [];
  const requests: { operation: string; variables: Record<string, any> }[] = [];
  let refuse: ((operation: CartOperation) => UserError | null) | null = null;

  const cart = (): CartPayload => ({
    id: cartId,
    version,
    status: 'ACTIVE',
    couponCodes: [],
    customer: null,
    lines: { edges: [...lines].map(([variantId, quantity]) => ({ node: { id: `line_${variantId}`, quantity, variant: { id: variantId } } })) },
  });

  function sync(input: { baseVersion: number; operations: CartOperation[] }) {
    const userErrors = input.operations.flatMap((operation, index) => {
      const error = refuse?.(operation);
      return error ? [{ ...error, field: ['input', 'operations', String(index)] }] : [];
    });
    if (userErrors.length > 0) return { syncCart: { cart: null, results: [], changedElsewhere: false, userErrors } };
    const changedElsewhere = input.baseVersion < version;
    let changed = false;
    const results = input.operations.map((operation) => {
      const earlier = log.get(operation.opId);
      if (earlier) return { ...earlier, replayed: true };
      const current = lines.get(operation.variantId!) ?? 0;
      let result: OperationResult;
      if (operation.kind === 'ADD_LINE') {
        lines.set(operation.variantId!, current + operation.quantity!);
        result = { opId: operation.opId, status: 'APPLIED', reason: null, quantity: current + operation.quantity!, replayed: false };
      } else if (!lines.has(operation.variantId!)) {
        result = { opId: operation.opId, status: 'REJECTED', reason: 'LINE_REMOVED', quantity: 0, replayed: false };
      } else if (operation.kind === 'SET_QUANTITY' && operation.quantity! > 0) {
        lines.set(operation.variantId!, operation.quantity!);
        result = { opId: operation.opId, status: 'APPLIED', reason: null, quantity: operation.quantity!, replayed: false };
      } else {
        lines.delete(operation.variantId!);
        result = { opId: operation.opId, status: 'APPLIED', reason: null, quantity: 0, replayed: false };
      }
      log.set(operation.opId, result);
      changed = true;
      return result;
    });
    if (changed) version++;
    return { syncCart: { cart: cart(), results, changedElsewhere, userErrors: [] } };
  }

  function recordSale(input: { receiptId: string }) {
    let orderId = orders.get(input.receiptId);
    if (!orderId) orders.set(input.receiptId, (orderId = `ord_${orders.size + 1}`));
    return { recordOfflineSale: { order: { id: orderId }, stockRecorded: true, shortfalls: [], userErrors: [] } };
  }

  const transport: GraphQLTransport = {
    async execute<TData>(query: string, variables: Record<string, any>): Promise<TData> {
      const operation = query.includes('syncCart') ? 'syncCart' : 'recordOfflineSale';
      requests.push({ operation, variables: structuredClone(variables) });
      const delivery = deliveries.shift() ?? 'ok';
      if (delivery === 'lost-request') throw new RetryableError('network down');
      const answer = operation === 'syncCart' ? sync(variables.input) : recordSale(variables.input);
      if (delivery === 'lost-answer') throw new RetryableError('connection reset');
      return structuredClone(answer) as TData;
    },
  };

  return {
    transport,
    requests,
    /** Deliveries of the next requests, in order; every later one is delivered. */
    network: (...next: Delivery[]) => deliveries.push(...next),
    lines: () => Object.fromEntries(lines),
    version: () => version,
    applied: () => log.size,
    orders,
    refuseWhen: (rule: (operation: CartOperation) => UserError | null) => void (refuse = rule),
    /** Another device changes the cart directly. */
    otherDevice: (variantId: string, quantity: number) => {
      lines.set(variantId, quantity);
      version++;
    },
  };
}

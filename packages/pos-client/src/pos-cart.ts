import { optimisticCart, type CartState } from './cart-model';
import { SYNC_CART, type CartPayload } from './documents';
import type { CartOperation, CartOperationKind, OperationResult, UserError } from './operations';
import { withRetry, type RetryOptions } from './retry';
import type { PosStore } from './storage';
import type { GraphQLTransport } from './transport';

export interface PosCartOptions extends RetryOptions {
  cartId: string;
  /** This till, 1 to 64 of `A–Z a–z 0–9 . _ : -`; breaks ties between equally timed quantity changes. */
  deviceId: string;
  transport: GraphQLTransport;
  store: PosStore;
  /** Operations per `syncCart` request; the server takes up to 10,000 naming up to 200 variants. Default 500. */
  batchSize?: number;
  /** The till's clock, stamped on every operation. */
  clock?: () => Date;
  /** Makes `opId`s; UUIDs by default. */
  newId?: () => string;
}

/** A batch (or part of one) the server refused as a whole: nothing of it was applied. */
export interface RefusedOperations {
  operations: CartOperation[];
  userErrors: UserError[];
}

export interface FlushReport {
  /** Results of the operations answered by this flush, in the order sent. */
  results: OperationResult[];
  refused: RefusedOperations[];
  /** Another device changed the cart since this till last synced. */
  changedElsewhere: boolean;
}

interface StoredCart {
  canonical: CartState | null;
  outbox: CartOperation[];
  results: OperationResult[];
  refused: RefusedOperations[];
}

interface SyncCartAnswer {
  syncCart: { cart: CartPayload | null; results: OperationResult[]; changedElsewhere: boolean; userErrors: UserError[] };
}

const MAX_VARIANTS_PER_BATCH = 200;
/** Answers kept for the till to look up; the server keeps every one anyway. */
const KEPT_RESULTS = 1_000;

/**
 * One cart as a till edits it: changes show at once (`view()`), queue with an `opId` and the till's
 * time, survive restarts in the store, and `flush()` uploads them to `syncCart` until answered.
 */
export class PosCart {
  private state: StoredCart;
  private flushing: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(cart: CartState) => void>();

  private constructor(
    private readonly options: PosCartOptions,
    stored: StoredCart | undefined,
  ) {
    this.state = stored ?? { canonical: null, outbox: [], results: [], refused: [] };
  }

  /** Opens the cart with what the store kept from before (the queue of a till that was switched off). */
  static async open(options: PosCartOptions): Promise<PosCart> {
    return new PosCart(options, await options.store.get<StoredCart>(storeKey(options.cartId)));
  }

  get cartId(): string {
    return this.options.cartId;
  }

  /** What the till shows: the server's last cart with every unanswered change on top. */
  view(): CartState {
    return optimisticCart(this.state.canonical ?? emptyCart(this.options.cartId), this.state.outbox);
  }

  /** The server's cart as last answered; null before the first answer. */
  canonical(): CartState | null {
    return this.state.canonical;
  }

  /** Changes not answered yet, oldest first. */
  pending(): readonly CartOperation[] {
    return this.state.outbox;
  }

  /** The server's answer to an operation, once it came. */
  result(opId: string): OperationResult | undefined {
    return this.state.results.find((result) => result.opId === opId);
  }

  /** Batches the server refused whole, for the till to show; nothing of them was applied. */
  refused(): readonly RefusedOperations[] {
    return this.state.refused;
  }

  /** Called with the new view after every change, local or from the server. Returns the unsubscribe. */
  subscribe(listener: (cart: CartState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addLine(variantId: string, quantity: number) {
    return this.enqueue('ADD_LINE', { variantId, quantity });
  }

  /** 0 removes the line. */
  setQuantity(variantId: string, quantity: number) {
    return this.enqueue('SET_QUANTITY', { variantId, quantity });
  }

  removeLine(variantId: string) {
    return this.enqueue('REMOVE_LINE', { variantId });
  }

  setCustomer(customerId: string) {
    return this.enqueue('SET_CUSTOMER', { customerId });
  }

  applyCoupon(couponCode: string) {
    return this.enqueue('APPLY_COUPON', { couponCode });
  }

  removeCoupon(couponCode: string) {
    return this.enqueue('REMOVE_COUPON', { couponCode });
  }

  /**
   * Replaces the server's cart when `cart` is at least as new as the one held. `flush()` feeds
   * every answer through here; a live feed of cart changes (a subscription, a poll) plugs in the
   * same way, and queued changes stay on top of whatever it delivers.
   */
  async applyCanonicalCart(cart: CartPayload | CartState): Promise<boolean> {
    const next = 'customer' in cart ? fromPayload(cart) : cart;
    if (next.id !== this.options.cartId) throw new Error(`Cart ${next.id} is not ${this.options.cartId}`);
    if (this.state.canonical && next.version < this.state.canonical.version) return false;
    this.state = { ...this.state, canonical: next };
    await this.persistAndNotify();
    return true;
  }

  /**
   * Uploads every queued change, in batches, retrying after network failures with backoff: a
   * resent batch carries the same `opId`s, so the server applies each change once. Answered
   * changes leave the queue and the server's cart replaces the local one. Changes made while a
   * flush runs wait for the next. Throws when the network stays down (the queue is kept) or the
   * server refuses the request itself (e.g. an expired token).
   */
  flush(): Promise<FlushReport> {
    const run = this.flushing.then(
      () => this.runFlush(),
      () => this.runFlush(),
    );
    this.flushing = run;
    return run;
  }

  private async runFlush(): Promise<FlushReport> {
    const report: FlushReport = { results: [], refused: [], changedElsewhere: false };
    const toSend = [...this.state.outbox];
    // An empty queue still asks for the cart: a till coming back fetches what others did.
    if (toSend.length === 0) await this.send([], report);
    while (toSend.length > 0) await this.send(toSend.splice(0, this.batchLength(toSend)), report);
    return report;
  }

  /** Up to `batchSize` operations naming at most 200 variants, as the server takes them. */
  private batchLength(operations: readonly CartOperation[]): number {
    const limit = this.options.batchSize ?? 500;
    const variants = new Set<string>();
    let length = 0;
    for (const operation of operations) {
      if (length >= limit) break;
      if (operation.variantId && !variants.has(operation.variantId)) {
        if (variants.size >= MAX_VARIANTS_PER_BATCH) break;
        variants.add(operation.variantId);
      }
      length++;
    }
    return Math.max(length, 1);
  }

  private async send(batch: CartOperation[], report: FlushReport): Promise<void> {
    const input = { cartId: this.options.cartId, deviceId: this.options.deviceId, baseVersion: this.state.canonical?.version ?? 1, operations: batch };
    const answer = (await withRetry(() => this.options.transport.execute<SyncCartAnswer>(SYNC_CART, { input }), this.options)).syncCart;
    if (answer.userErrors.length > 0) {
      // One bad operation refuses its whole batch: halving it keeps the good ones from sharing its fate.
      const aboutOperations = answer.userErrors.every((error) => error.field?.[1] === 'operations');
      if (aboutOperations && batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        await this.send(batch.slice(0, middle), report);
        await this.send(batch.slice(middle), report);
        return;
      }
      const refused = { operations: batch, userErrors: answer.userErrors };
      report.refused.push(refused);
      this.state = { ...this.state, outbox: without(this.state.outbox, batch), refused: [...this.state.refused, refused] };
      await this.persistAndNotify();
      return;
    }
    report.results.push(...answer.results);
    report.changedElsewhere ||= answer.changedElsewhere;
    const answered = new Set(answer.results.map((result) => result.opId));
    this.state = {
      ...this.state,
      outbox: this.state.outbox.filter((operation) => !answered.has(operation.opId)),
      results: [...this.state.results.filter((result) => !answered.has(result.opId)), ...answer.results].slice(-KEPT_RESULTS),
      // The server's cart is the truth after an answer, also when another device's change made it look older.
      canonical: answer.cart ? fromPayload(answer.cart) : this.state.canonical,
    };
    await this.persistAndNotify();
  }

  private async enqueue(kind: CartOperationKind, fields: Partial<CartOperation>): Promise<CartOperation> {
    const operation: CartOperation = {
      opId: (this.options.newId ?? (() => globalThis.crypto.randomUUID()))(),
      deviceTime: (this.options.clock ?? (() => new Date()))().toISOString(),
      kind,
      ...fields,
    };
    this.state = { ...this.state, outbox: [...this.state.outbox, operation] };
    await this.persistAndNotify();
    return operation;
  }

  private async persistAndNotify(): Promise<void> {
    await this.options.store.put(storeKey(this.options.cartId), this.state);
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }
}

const storeKey = (cartId: string) => `pos-cart:${cartId}`;

function without(outbox: readonly CartOperation[], removed: readonly CartOperation[]): CartOperation[] {
  const ids = new Set(removed.map((operation) => operation.opId));
  return outbox.filter((operation) => !ids.has(operation.opId));
}

function emptyCart(id: string): CartState {
  return { id, version: 1, status: 'ACTIVE', customerId: null, couponCodes: [], lines: [] };
}

export function fromPayload(cart: CartPayload): CartState {
  return {
    id: cart.id,
    version: cart.version,
    status: cart.status,
    customerId: cart.customer?.id ?? null,
    couponCodes: [...cart.couponCodes],
    // A line whose variant the caller may no longer see still counts; its id keeps it apart.
    lines: cart.lines.edges.map(({ node }) => ({ id: node.id, variantId: node.variant?.id ?? `unknown:${node.id}`, quantity: node.quantity })),
  };
}

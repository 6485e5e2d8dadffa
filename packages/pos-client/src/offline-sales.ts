import { RECORD_OFFLINE_SALE } from './documents';
import type { UserError } from './operations';
import { withRetry, type RetryOptions } from './retry';
import type { PosStore } from './storage';
import type { GraphQLTransport } from './transport';

export interface CashSaleLine {
  variantId: string;
  quantity: number;
  /** What the customer paid per unit, as a decimal string in the currency's major unit, e.g. `"19.90"`. */
  unitPrice: string;
}

/** A sale the till completed for cash while it could not reach the server. */
export interface CashSale {
  /** The till's receipt id, unique per store: uploading it again is safe. */
  receiptId: string;
  /** ISO time of the sale by the till's clock. */
  soldAt: string;
  cashierId?: string;
  customerId?: string;
  currencyCode?: string;
  lines: CashSaleLine[];
}

export interface RecordedSale {
  receiptId: string;
  orderId: string;
  /** False while the catalog could not move the stock yet; the sale stays queued until it did. */
  stockRecorded: boolean;
  shortfalls: { variant: { id: string }; onHand: number; shortfall: number }[];
}

export interface OfflineSalesOptions extends RetryOptions {
  /** The store the till stands in. */
  storeId: string;
  transport: GraphQLTransport;
  store: PosStore;
  clock?: () => Date;
  newId?: () => string;
}

interface StoredSales {
  queue: CashSale[];
  recorded: RecordedSale[];
  refused: { sale: CashSale; userErrors: UserError[] }[];
}

interface RecordAnswer {
  recordOfflineSale: { order: { id: string } | null; stockRecorded: boolean; shortfalls: RecordedSale['shortfalls']; userErrors: UserError[] };
}

const STORE_KEY = 'pos-offline-sales';

/**
 * Cash sales made offline, kept in the store until `recordOfflineSale` recorded them. The server
 * is idempotent by store and receipt id, so a sale whose answer was lost is simply sent again.
 */
export class OfflineSales {
  private flushing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: OfflineSalesOptions,
    private state: StoredSales,
  ) {}

  static async open(options: OfflineSalesOptions): Promise<OfflineSales> {
    return new OfflineSales(options, (await options.store.get<StoredSales>(STORE_KEY)) ?? { queue: [], recorded: [], refused: [] });
  }

  /** Queues a completed sale; the receipt id and time default to a new UUID and now. */
  async record(sale: Omit<CashSale, 'receiptId' | 'soldAt'> & Partial<Pick<CashSale, 'receiptId' | 'soldAt'>>): Promise<CashSale> {
    const queued: CashSale = {
      ...sale,
      receiptId: sale.receiptId ?? (this.options.newId ?? (() => globalThis.crypto.randomUUID()))(),
      soldAt: sale.soldAt ?? (this.options.clock ?? (() => new Date()))().toISOString(),
    };
    this.state = { ...this.state, queue: [...this.state.queue, queued] };
    await this.persist();
    return queued;
  }

  pending(): readonly CashSale[] {
    return this.state.queue;
  }

  recorded(): readonly RecordedSale[] {
    return this.state.recorded;
  }

  refused(): readonly { sale: CashSale; userErrors: UserError[] }[] {
    return this.state.refused;
  }

  /** Uploads every queued sale, oldest first, retrying with backoff; throws when the network stays down (the queue is kept). */
  flush(): Promise<RecordedSale[]> {
    const run = this.flushing.then(
      () => this.runFlush(),
      () => this.runFlush(),
    );
    this.flushing = run;
    return run;
  }

  private async runFlush(): Promise<RecordedSale[]> {
    const done: RecordedSale[] = [];
    for (const sale of [...this.state.queue]) {
      const input = { storeId: this.options.storeId, ...sale };
      const answer = (await withRetry(() => this.options.transport.execute<RecordAnswer>(RECORD_OFFLINE_SALE, { input }), this.options)).recordOfflineSale;
      const others = this.state.recorded.filter((recorded) => recorded.receiptId !== sale.receiptId);
      if (answer.userErrors.length > 0 || !answer.order) {
        this.state = { ...this.state, queue: this.state.queue.filter((queued) => queued !== sale), refused: [...this.state.refused, { sale, userErrors: answer.userErrors }] };
      } else {
        const recorded: RecordedSale = { receiptId: sale.receiptId, orderId: answer.order.id, stockRecorded: answer.stockRecorded, shortfalls: answer.shortfalls };
        done.push(recorded);
        // Stock not moved yet: the sale stays queued, and uploading it again finishes the stock.
        const queue = answer.stockRecorded ? this.state.queue.filter((queued) => queued !== sale) : this.state.queue;
        this.state = { ...this.state, queue, recorded: [...others, recorded] };
      }
      await this.persist();
    }
    return done;
  }

  private persist(): Promise<void> {
    return this.options.store.put(STORE_KEY, this.state);
  }
}

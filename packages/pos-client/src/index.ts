export { applyOperation, optimisticCart, type CartLineState, type CartState } from './cart-model';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export type { CartPayload } from './documents';
export { OfflineSales, type CashSale, type CashSaleLine, type OfflineSalesOptions, type RecordedSale } from './offline-sales';
export { normalizeCouponCode, type CartOperation, type CartOperationKind, type OperationReason, type OperationResult, type OperationStatus, type UserError } from './operations';
export { PosCart, type FlushReport, type PosCartOptions, type RefusedOperations } from './pos-cart';
export { withRetry, type RetryOptions } from './retry';
export { createMemoryStore, type PosStore } from './storage';
export { createFetchTransport, RequestRefusedError, RetryableError, type FetchTransportOptions, type GraphQLTransport } from './transport';

import { Kind, type ArgumentNode, type ValueNode } from 'graphql';
import type { ResultShape, ShapeField } from './cacheability';

/**
 * Invalidation tags of cached catalog responses. A response carries the tag of every product and
 * variant it shows; when it shows one without its id, or shows what no id pins down, it carries
 * a tag that a whole kind of change drops instead:
 * - LISTING: lists, searches and lookups that may gain, lose or reorder products (a price or a
 *   publication change can move a product into or out of any of them), dropped on every product change;
 * - STOCK: stock-dependent values not attributable to a product or variant id, dropped on every
 *   stock change. Stock read on a product whose id is shown needs no more than the product's tag:
 *   the catalog names the product of every stock move (`product.changed` with `stock`).
 */
export const LISTING_TAG = 'listing';
/**
 * Carried by every response: a catalog change made through this gateway drops them all before its
 * response is sent, so whoever made it reads it back at once, before its event has travelled.
 */
export const ALL_TAG = 'all';
export const STOCK_TAG = 'stock';
export const productTag = (productId: string) => `product:${productId}`;
export const variantTag = (variantId: string) => `variant:${variantId}`;

/** Root fields whose answer is a set or a page chosen by the catalog, not one entity named by id. */
const LISTING_ROOTS = new Set(['products', 'catalogChanges']);

/** Fields whose value follows stock levels (on hand, reservations, safety stock), by `Type.field`. */
const STOCK_FIELDS = new Set([
  'Product.availableForSale',
  'Variant.availableForSale',
  'Variant.stockLevels',
  'Variant.availability',
  'Variant.fulfillment',
  'Location.stockShortfalls',
]);

interface Scope {
  productId?: string;
  variantId?: string;
}

/** Every tag the response `data` of an operation with this shape must carry. */
export function catalogTagsOf(shape: ResultShape, data: Record<string, unknown>): Set<string> {
  const tags = new Set<string>([ALL_TAG]);
  for (const [key, field] of shape.fields) {
    const value = data[key];
    if (LISTING_ROOTS.has(field.name)) tags.add(LISTING_TAG);
    if (field.name === 'products' && filtersByStock(field.arguments)) tags.add(STOCK_TAG);
    // A lookup that found nothing finds the product once it is created or published.
    if (value === null || value === undefined) tags.add(LISTING_TAG);
    visit(field, value, {}, tags);
  }
  return tags;
}

function visit(field: ShapeField, value: unknown, scope: Scope, tags: Set<string>): void {
  if (STOCK_FIELDS.has(`${field.parentType}.${field.name}`) && !scope.variantId && !scope.productId) tags.add(STOCK_TAG);
  if (value === null || value === undefined || !field.selection) return;
  if (Array.isArray(value)) {
    for (const item of value) visit(field, item, scope, tags);
    return;
  }
  if (typeof value !== 'object') return;
  const object = value as Record<string, unknown>;
  const inner = scopeOf(field.returnType, field.selection, object, scope, tags);
  for (const [key, child] of field.selection.fields) visit(child, object[key], inner, tags);
}

/** Tags the object itself and narrows the scope its fields are read in. */
function scopeOf(typeName: string, selection: ResultShape, object: Record<string, unknown>, scope: Scope, tags: Set<string>): Scope {
  if (typeName === 'Product') {
    const id = idOf(selection, object);
    if (id) tags.add(productTag(id));
    else tags.add(LISTING_TAG);
    // A variant reached from a product is the product's own (each product change names its variants).
    return { productId: id };
  }
  if (typeName === 'Variant') {
    const id = idOf(selection, object);
    if (id) tags.add(variantTag(id));
    else if (!scope.productId) tags.add(LISTING_TAG);
    return { productId: scope.productId, variantId: id };
  }
  if (typeName === 'StockLevel') {
    // A stock level belongs to its variant whichever way it was reached.
    const key = keyOf(selection, 'variant');
    const variantShape = key === undefined ? undefined : selection.fields.get(key)?.selection;
    const variant = key === undefined ? undefined : object[key];
    const variantId = variantShape && variant && typeof variant === 'object' ? idOf(variantShape, variant as Record<string, unknown>) : undefined;
    return variantId ? { ...scope, variantId } : scope;
  }
  return scope;
}

function keyOf(selection: ResultShape, fieldName: string): string | undefined {
  for (const [key, field] of selection.fields) if (field.name === fieldName && field.arguments.length === 0) return key;
  return undefined;
}

function idOf(selection: ResultShape, object: Record<string, unknown>): string | undefined {
  const key = keyOf(selection, 'id');
  const id = key === undefined ? undefined : object[key];
  return typeof id === 'string' ? id : undefined;
}

/** `products(filter: { inStockAt })`, or a filter held in a variable, which may say so. */
function filtersByStock(args: readonly ArgumentNode[]): boolean {
  const filter = args.find((argument) => argument.name.value === 'filter')?.value;
  return filter !== undefined && mentionsStock(filter);
}

function mentionsStock(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind !== Kind.OBJECT) return false;
  return value.fields.some((field) => field.name.value === 'inStockAt' && field.value.kind !== Kind.NULL);
}

/** What a catalog domain event makes stale. */
export interface CatalogEventLike {
  type: string;
  /** The subgraph whose outbox held the event. */
  producer?: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/**
 * The tags to drop for one event; null when the event is none of the catalog's (nothing cached
 * depends on it). A product change drops the product and its variants, and every listing unless
 * only stock changed (stock decides no listing's members or order; a filter by stock carries the
 * stock tag). A stock change drops its variant, its product and whatever follows stock without
 * naming either.
 */
export function tagsOfCatalogEvent(event: CatalogEventLike): string[] | null {
  if (event.producer !== undefined && event.producer !== 'catalog') return null;
  if (event.type === 'product.changed') {
    const productId = typeof event.payload.productId === 'string' ? event.payload.productId : event.aggregateId;
    const changes = stringsOf(event.payload.changes);
    const tags = [productTag(productId), ...stringsOf(event.payload.variantIds).map(variantTag)];
    // An event that does not say what changed is taken to change everything.
    if (changes.length === 0 || changes.some((change) => change !== 'stock')) tags.push(LISTING_TAG);
    if (changes.length === 0 || changes.includes('stock')) tags.push(STOCK_TAG);
    return tags;
  }
  if (event.type === 'stock.changed') {
    const variantId = typeof event.payload.variantId === 'string' ? event.payload.variantId : event.aggregateId;
    const tags = [variantTag(variantId), STOCK_TAG];
    if (typeof event.payload.productId === 'string') tags.push(productTag(event.payload.productId));
    return tags;
  }
  return null;
}

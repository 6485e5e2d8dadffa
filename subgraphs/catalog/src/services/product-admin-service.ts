import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { isIdOf, newId, isUniqueViolation } from '@omni/db';
import {
  fail,
  isCurrencyCode,
  MoneyFormatError,
  requireScope,
  succeed,
  toMinorUnits,
  userError,
  userErrorsFromIssues,
  type Outcome,
  type UserError,
} from '@omni/graphql';
import type { CatalogContext } from '../context';
import {
  findCategoriesBySlugOrName,
  findProductsBySlugs,
  findVariantsByBarcodes,
  findVariantsBySkus,
  insertProduct,
  insertVariants,
  lockProduct,
  refreshMinPrice,
  touchFeed,
  updateProductRow,
  updateVariantRow,
  upsertVariantPrice,
  type NewProduct,
} from '../db/catalog-queries';
import type { ProductRow, VariantRow } from '../db/schema';
import { publishProductChanged } from './catalog-events';

/** Large enough for any real price list; keeps a typo from storing a price nobody can pay. */
const MAX_PRICE_MINOR = 100_000_000_00;
export const MAX_VARIANTS_PER_PRODUCT = 100;

const priceInput = z.object({ amount: z.string(), currencyCode: z.string() });
const optionInput = z.object({ name: z.string().trim().min(1).max(50), value: z.string().trim().min(1).max(100) });
const sku = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain letters, digits, dot, dash and underscore');
const barcode = z.string().trim().regex(/^\d{8,14}$/, 'must be 8 to 14 digits (EAN/UPC/GTIN)');
const imageUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => /^https:\/\/[^\s]+$/.test(value), 'must be an https URL');
const channels = z.array(z.enum(CHANNELS)).max(CHANNELS.length);
const productFields = {
  title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  description: z.string().trim().max(5000, 'must be at most 5000 characters'),
  vendor: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  category: z.string().trim().min(1, 'must not be empty').max(100),
  imageUrls: z.array(imageUrl).max(20, 'at most 20 images'),
};

const createProductInput = z.object({
  slug: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters and digits separated by single dashes'),
  ...productFields,
  description: productFields.description.nullish(),
  imageUrls: productFields.imageUrls.nullish(),
  channels: channels.nullish(),
  variants: z
    .array(
      z.object({
        sku,
        barcode: barcode.nullish(),
        options: z.array(optionInput).max(5).nullish(),
        price: priceInput,
        compareAtPrice: priceInput.nullish(),
      }),
    )
    .min(1, 'a product needs at least one variant')
    .max(MAX_VARIANTS_PER_PRODUCT, `at most ${MAX_VARIANTS_PER_PRODUCT} variants`),
});
export type CreateProductInput = z.input<typeof createProductInput>;

type Path = (string | number)[];
const field = (path: Path) => path.map(String);

/** Parses a price; the currency must be the one the product (or variant) is sold in, when known. */
function parsePrice(
  price: { amount: string; currencyCode: string },
  path: Path,
  expectedCurrency: string | null,
): { ok: true; minor: number; currencyCode: string } | { ok: false; error: UserError } {
  if (!isCurrencyCode(price.currencyCode)) {
    return { ok: false, error: userError('INVALID', 'is not an ISO 4217 currency code', field([...path, 'currencyCode'])) };
  }
  if (expectedCurrency !== null && price.currencyCode !== expectedCurrency) {
    return {
      ok: false,
      error: userError('INVALID', `must be in ${expectedCurrency}, the currency this product is sold in`, field([...path, 'currencyCode'])),
    };
  }
  try {
    const minor = toMinorUnits(price.amount, price.currencyCode);
    if (minor < 0) return { ok: false, error: userError('INVALID', 'must not be negative', field([...path, 'amount'])) };
    if (minor > MAX_PRICE_MINOR) return { ok: false, error: userError('INVALID', 'is implausibly large', field([...path, 'amount'])) };
    return { ok: true, minor, currencyCode: price.currencyCode };
  } catch (error) {
    if (error instanceof MoneyFormatError) return { ok: false, error: userError('INVALID', error.message, field([...path, 'amount'])) };
    throw error;
  }
}

function duplicates(values: readonly (string | null | undefined)[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return repeated;
}

/** Creates a product with its variants; a product with no channels is a draft only admins see. */
export async function createProduct(ctx: CatalogContext, rawInput: CreateProductInput): Promise<Outcome<ProductRow>> {
  requireScope(ctx.caller, 'catalog:write');
  const parsed = createProductInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  const errors: UserError[] = [];
  const currency = input.variants[0]!.price.currencyCode;
  const prices = input.variants.map((variant, index) => {
    const path: Path = ['input', 'variants', index];
    const price = parsePrice(variant.price, [...path, 'price'], isCurrencyCode(currency) ? currency : null);
    if (!price.ok) {
      errors.push(price.error);
      return null;
    }
    let compareAtMinor: number | null = null;
    if (variant.compareAtPrice) {
      const compareAt = parsePrice(variant.compareAtPrice, [...path, 'compareAtPrice'], currency);
      if (!compareAt.ok) errors.push(compareAt.error);
      else if (compareAt.minor <= price.minor) errors.push(userError('INVALID', 'must be above the price', field([...path, 'compareAtPrice', 'amount'])));
      else compareAtMinor = compareAt.minor;
    }
    return { priceMinor: price.minor, compareAtMinor };
  });
  for (const repeated of duplicates(input.variants.map((variant) => variant.sku))) {
    const index = input.variants.findIndex((variant) => variant.sku === repeated);
    errors.push(userError('INVALID', `SKU ${repeated} is given twice`, ['input', 'variants', String(index), 'sku']));
  }
  for (const repeated of duplicates(input.variants.map((variant) => variant.barcode))) {
    const index = input.variants.findIndex((variant) => variant.barcode === repeated);
    errors.push(userError('INVALID', `Barcode ${repeated} is given twice`, ['input', 'variants', String(index), 'barcode']));
  }
  if (errors.length > 0) return fail(...errors);

  const [[category], [existingSlug], takenSkus, takenBarcodes] = await Promise.all([
    findCategoriesBySlugOrName(ctx.db, input.category),
    findProductsBySlugs(ctx.db, [input.slug]),
    findVariantsBySkus(ctx.db, input.variants.map((variant) => variant.sku)),
    findVariantsByBarcodes(ctx.db, input.variants.flatMap((variant) => (variant.barcode ? [variant.barcode] : []))),
  ]);
  if (!category) errors.push(userError('NOT_FOUND', 'No such category', ['input', 'category']));
  if (existingSlug) errors.push(userError('INVALID', 'Another product already uses this slug', ['input', 'slug']));
  for (const taken of takenSkus) {
    const index = input.variants.findIndex((variant) => variant.sku === taken.sku);
    errors.push(userError('INVALID', `SKU ${taken.sku} already belongs to another variant`, ['input', 'variants', String(index), 'sku']));
  }
  for (const taken of takenBarcodes) {
    const index = input.variants.findIndex((variant) => variant.barcode === taken.barcode);
    errors.push(userError('INVALID', `Barcode ${taken.barcode} already belongs to another variant`, ['input', 'variants', String(index), 'barcode']));
  }
  if (errors.length > 0) return fail(...errors);

  const productId = newId('prod');
  const now = new Date();
  const product: NewProduct = {
    id: productId,
    slug: input.slug,
    title: input.title,
    description: input.description ?? '',
    vendor: input.vendor,
    categoryId: category!.id,
    imageUrls: input.imageUrls ?? [],
    channels: [...new Set(input.channels ?? [])],
    everChannels: [...new Set(input.channels ?? [])],
    minPriceMinor: Math.min(...prices.map((price) => price!.priceMinor)),
    createdAt: now,
    updatedAt: now,
  };
  try {
    const created = await ctx.db.transaction(async (tx) => {
      const row = await insertProduct(tx, product);
      const inserted = await insertVariants(
        tx,
        input.variants.map((variant, position) => ({
          id: newId('var'),
          productId,
          sku: variant.sku,
          barcode: variant.barcode ?? null,
          title: (variant.options ?? []).map((option) => option.value).join(' / ') || 'Default',
          options: variant.options ?? [],
          priceMinor: prices[position]!.priceMinor,
          compareAtMinor: prices[position]!.compareAtMinor,
          currencyCode: currency,
          position,
          createdAt: now,
          updatedAt: now,
        })),
      );
      await touchFeed(tx, [productId]);
      await publishProductChanged(tx, { productId, variantIds: inserted.map((variant) => variant.id), changes: ['details', 'price', 'publication'] });
      return row;
    });
    return succeed(created);
  } catch (error) {
    // A concurrent creation took the slug, a SKU or a barcode between our check and our insert.
    if (isUniqueViolation(error)) return fail(userError('INVALID', 'The slug, a SKU or a barcode was just taken by another product', ['input']));
    throw error;
  }
}

const updateProductInput = z.object({
  id: z.string().refine((value) => isIdOf('prod', value), 'is not a product id'),
  title: productFields.title.nullish(),
  description: productFields.description.nullish(),
  vendor: productFields.vendor.nullish(),
  category: productFields.category.nullish(),
  imageUrls: productFields.imageUrls.nullish(),
});
export type UpdateProductInput = z.input<typeof updateProductInput>;

/** Changes the given fields; omitted ones stay. */
export async function updateProduct(ctx: CatalogContext, rawInput: UpdateProductInput): Promise<Outcome<ProductRow>> {
  requireScope(ctx.caller, 'catalog:write');
  const parsed = updateProductInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  let categoryId: string | undefined;
  if (input.category) {
    const [category] = await findCategoriesBySlugOrName(ctx.db, input.category);
    if (!category) return fail(userError('NOT_FOUND', 'No such category', ['input', 'category']));
    categoryId = category.id;
  }
  return ctx.db.transaction(async (tx) => {
    const product = await lockProduct(tx, input.id);
    if (!product) return fail(userError('NOT_FOUND', 'No such product', ['input', 'id']));
    const updated = await updateProductRow(tx, input.id, {
      ...(input.title ? { title: input.title } : {}),
      ...(input.description !== undefined && input.description !== null ? { description: input.description } : {}),
      ...(input.vendor ? { vendor: input.vendor } : {}),
      ...(categoryId ? { categoryId } : {}),
      ...(input.imageUrls ? { imageUrls: input.imageUrls } : {}),
    });
    await touchFeed(tx, [input.id]);
    await publishProductChanged(tx, { productId: input.id, changes: ['details'] });
    return succeed(updated);
  });
}

const updateVariantInput = z.object({
  sku,
  price: priceInput.nullish(),
  /** null clears the sale; omitted keeps it. */
  compareAtPrice: priceInput.nullish(),
  barcode: barcode.nullish(),
});
export type UpdateVariantInput = z.input<typeof updateVariantInput>;

/** Reprices a variant found by SKU; prices stay in the currency the product is sold in. */
export async function updateVariant(ctx: CatalogContext, rawInput: UpdateVariantInput): Promise<Outcome<VariantRow>> {
  requireScope(ctx.caller, 'catalog:write');
  const parsed = updateVariantInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const [found] = await findVariantsBySkus(ctx.db, [input.sku]);
  if (!found) return fail(userError('NOT_FOUND', `No variant has SKU ${input.sku}`, ['input', 'sku']));
  if (input.barcode) {
    const [owner] = await findVariantsByBarcodes(ctx.db, [input.barcode]);
    if (owner && owner.id !== found.id) return fail(userError('INVALID', 'Another variant already has this barcode', ['input', 'barcode']));
  }
  return ctx.db.transaction(async (tx) => {
    const product = await lockProduct(tx, found.productId);
    if (!product) return fail(userError('NOT_FOUND', `No variant has SKU ${input.sku}`, ['input', 'sku']));
    const [variant] = await findVariantsBySkus(tx, [input.sku]);
    if (!variant) return fail(userError('NOT_FOUND', `No variant has SKU ${input.sku}`, ['input', 'sku']));
    let priceMinor = variant.priceMinor;
    if (input.price) {
      const price = parsePrice(input.price, ['input', 'price'], variant.currencyCode);
      if (!price.ok) return fail(price.error);
      priceMinor = price.minor;
    }
    let compareAtMinor = variant.compareAtMinor;
    if (input.compareAtPrice === null && 'compareAtPrice' in rawInput) compareAtMinor = null;
    if (input.compareAtPrice) {
      const compareAt = parsePrice(input.compareAtPrice, ['input', 'compareAtPrice'], variant.currencyCode);
      if (!compareAt.ok) return fail(compareAt.error);
      compareAtMinor = compareAt.minor;
    }
    if (compareAtMinor !== null && compareAtMinor <= priceMinor) {
      return fail(userError('INVALID', 'The compare-at price must be above the price', ['input', 'compareAtPrice', 'amount']));
    }
    const updated = await updateVariantRow(tx, variant.id, {
      priceMinor,
      compareAtMinor,
      ...(input.barcode ? { barcode: input.barcode } : {}),
    });
    await refreshMinPrice(tx, variant.productId);
    await touchFeed(tx, [variant.productId]);
    const repriced = priceMinor !== variant.priceMinor || compareAtMinor !== variant.compareAtMinor;
    await publishProductChanged(tx, { productId: variant.productId, variantIds: [variant.id], changes: [...(repriced ? ['price' as const] : []), ...(input.barcode ? ['details' as const] : [])] });
    return succeed(updated);
  });
}

const setVariantPriceInput = z.object({ sku, price: priceInput, compareAtPrice: priceInput.nullish() });
export type SetVariantPriceInput = z.input<typeof setVariantPriceInput>;

/**
 * Sets the price of a variant in one currency. In the product's own currency it is the variant's
 * price; in any other it is the price shown to shoppers paying in that currency.
 */
export async function setVariantPrice(ctx: CatalogContext, rawInput: SetVariantPriceInput): Promise<Outcome<VariantRow>> {
  requireScope(ctx.caller, 'catalog:write');
  const parsed = setVariantPriceInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const price = parsePrice(input.price, ['input', 'price'], null);
  if (!price.ok) return fail(price.error);
  let compareAtMinor: number | null = null;
  if (input.compareAtPrice) {
    const compareAt = parsePrice(input.compareAtPrice, ['input', 'compareAtPrice'], price.currencyCode);
    if (!compareAt.ok) return fail(compareAt.error);
    if (compareAt.minor <= price.minor) return fail(userError('INVALID', 'must be above the price', ['input', 'compareAtPrice', 'amount']));
    compareAtMinor = compareAt.minor;
  }
  const [found] = await findVariantsBySkus(ctx.db, [input.sku]);
  if (!found) return fail(userError('NOT_FOUND', `No variant has SKU ${input.sku}`, ['input', 'sku']));
  return ctx.db.transaction(async (tx) => {
    await lockProduct(tx, found.productId);
    const [variant] = await findVariantsBySkus(tx, [input.sku]);
    if (!variant) return fail(userError('NOT_FOUND', `No variant has SKU ${input.sku}`, ['input', 'sku']));
    let updated = variant;
    if (price.currencyCode === variant.currencyCode) {
      updated = await updateVariantRow(tx, variant.id, { priceMinor: price.minor, compareAtMinor });
      await refreshMinPrice(tx, variant.productId);
    } else {
      await upsertVariantPrice(tx, { variantId: variant.id, currencyCode: price.currencyCode, amountMinor: price.minor, compareAtMinor });
    }
    await touchFeed(tx, [variant.productId]);
    await publishProductChanged(tx, { productId: variant.productId, variantIds: [variant.id], changes: ['price'] });
    return succeed(updated);
  });
}

const publicationInput = z.object({
  id: z.string().refine((value) => isIdOf('prod', value), 'is not a product id'),
  channels: channels.min(1, 'name at least one channel'),
});
export type PublicationInput = z.input<typeof publicationInput>;

/** Adds (publish) or removes (unpublish) channels; the partner feed sees the change as an upsert or a tombstone. */
export async function changePublication(
  ctx: CatalogContext,
  rawInput: PublicationInput,
  action: 'publish' | 'unpublish',
): Promise<Outcome<ProductRow>> {
  requireScope(ctx.caller, 'catalog:write');
  const parsed = publicationInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const product = await lockProduct(tx, input.id);
    if (!product) return fail(userError('NOT_FOUND', 'No such product', ['input', 'id']));
    const next =
      action === 'publish'
        ? CHANNELS.filter((channel) => product.channels.includes(channel) || input.channels.includes(channel))
        : product.channels.filter((channel) => !(input.channels as string[]).includes(channel));
    // Channels once offered stay known: their mirrors hold the product and need its tombstone.
    const everChannels = CHANNELS.filter((channel) => product.everChannels.includes(channel) || next.includes(channel));
    const updated = await updateProductRow(tx, input.id, { channels: next, everChannels });
    await touchFeed(tx, [input.id]);
    await publishProductChanged(tx, { productId: input.id, changes: ['publication'] });
    return succeed(updated);
  });
}


import { sql } from 'drizzle-orm';
import { demoId } from '@omni/db';
import { DEMO_CHANNELS, DEMO_EPOCH, integerBetween, pick, seededRandom } from '@omni/demo-data';
import type { CatalogDb } from './db/database';
import { catalogFeed, categories, inventoryLevels, locations, products, variants } from './db/schema';
import { demoOpeningHours } from './seed';

export interface LargeCatalogOptions {
  /** Variants to have in the generated part of the catalog; four per product. */
  variants: number;
  /** Locations to have in total, the demo ones included. */
  locations: number;
  /** Called after every batch with the generated variants so far. */
  onProgress?: (doneVariants: number) => void;
}

const VARIANTS_PER_PRODUCT = 4;
const PRODUCTS_PER_BATCH = 500;
/** Ordinals far above the demo catalog's, so generated ids sort after the demo ones. */
const ORDINAL_BASE = 1_000_000;

const CATEGORY_NAMES = ['Knitwear', 'Accessories', 'Sportswear', 'Kids', 'Outdoor Gear', 'Kitchen', 'Bedding', 'Lighting'];
const NOUNS: [string, string][] = [
  ['Sweater', 'Свитер'], ['Scarf', 'Шарф'], ['Beanie', 'Шапка'], ['Hoodie', 'Худи'], ['Gloves', 'Перчатки'], ['Tent', 'Палатка'],
  ['Sleeping Bag', 'Спальник'], ['Skillet', 'Сковорода'], ['Duvet', 'Одеяло'], ['Lamp', 'Лампа'], ['Socks', 'Носки'], ['Cap', 'Кепка'],
];
const ADJECTIVES = ['Arctic', 'Summit', 'Meadow', 'Granite', 'Aurora', 'Pine', 'Drift', 'Ember', 'Glacier', 'Harbor', 'Prairie', 'Canyon'];
const VENDORS = ['Northwind', 'Kestrel & Co', 'Fjell', 'Oakline', 'Tideworks', 'Birchmark'];
const SIZES = ['S', 'M', 'L', 'XL'];
const CITIES = ['Dresden', 'Frankfurt', 'Stuttgart', 'Düsseldorf', 'Bremen', 'Hanover', 'Nuremberg', 'Dortmund', 'Essen', 'Bonn', 'Münster', 'Kiel', 'Mainz', 'Erfurt', 'Rostock', 'Kassel', 'Augsburg', 'Freiburg', 'Potsdam', 'Ulm'];

const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/**
 * Adds a large, deterministic catalog for benchmarks on top of whatever is there: products with
 * four variants each, stock at every location, the extra locations to reach `locations`. Runs in
 * batches of one transaction each; rows that exist are kept, so an interrupted run can be resumed.
 */
export async function generateLargeCatalog(db: CatalogDb, options: LargeCatalogOptions): Promise<{ products: number; variants: number; locations: number }> {
  const random = seededRandom(777);
  const categoryIds = CATEGORY_NAMES.map((name, index) => demoId('cat', `gen-${slugOf(name)}`, 100 + index));
  await db
    .insert(categories)
    .values(CATEGORY_NAMES.map((name, index) => ({ id: categoryIds[index]!, slug: slugOf(name), name, createdAt: DEMO_EPOCH })))
    .onConflictDoNothing();

  const existing = await db.select({ id: locations.id }).from(locations);
  const missing = Math.max(options.locations - existing.length, 0);
  if (missing > 0) {
    await db
      .insert(locations)
      .values(
        Array.from({ length: missing }, (_, index) => {
          // One warehouse in five; the rest are stores, most offering pickup.
          const kind = index % 5 === 4 ? 'WAREHOUSE' : 'STORE';
          const city = CITIES[index % CITIES.length]!;
          return {
            id: demoId('loc', `gen-${index + 1}`, 100 + index),
            name: `${city} ${kind === 'STORE' ? 'Store' : 'Warehouse'} ${index + 1}`,
            kind,
            street: `Hauptstr. ${index + 1}`,
            city,
            postalCode: String(10000 + index * 911).padStart(5, '0'),
            countryCode: 'DE',
            pickupEnabled: kind === 'STORE' && index % 3 !== 2,
            openingHours: demoOpeningHours(kind),
            transferLeadDays: kind === 'WAREHOUSE' ? 1 + (index % 3) : null,
            deliveryLeadDays: kind === 'WAREHOUSE' ? 2 + (index % 3) : null,
            createdAt: DEMO_EPOCH,
          };
        }),
      )
      .onConflictDoNothing();
  }

  const productCount = Math.ceil(options.variants / VARIANTS_PER_PRODUCT);
  let doneVariants = 0;
  for (let start = 0; start < productCount; start += PRODUCTS_PER_BATCH) {
    const batch = Array.from({ length: Math.min(PRODUCTS_PER_BATCH, productCount - start) }, (_, offset) => start + offset);
    const productRows: (typeof products.$inferInsert)[] = [];
    const variantRows: (typeof variants.$inferInsert)[] = [];
    for (const n of batch) {
      const [noun, russianNoun] = NOUNS[n % NOUNS.length]!;
      const adjective = ADJECTIVES[Math.floor(n / NOUNS.length) % ADJECTIVES.length]!;
      const series = Math.floor(n / (NOUNS.length * ADJECTIVES.length)) + 1;
      const title = `${adjective} ${noun} ${series}`;
      const vendor = pick(random, VENDORS);
      const productId = demoId('prod', `gen-${n}`, ORDINAL_BASE + n);
      const basePrice = integerBetween(random, 5, 300) * 100 - 10;
      const variantsLeft = options.variants - n * VARIANTS_PER_PRODUCT;
      const count = Math.min(VARIANTS_PER_PRODUCT, variantsLeft);
      productRows.push({
        id: productId,
        slug: `${slugOf(title)}-${n}`,
        title,
        description: `${title} by ${vendor}. ${russianNoun} ${adjective} от ${vendor}.`,
        vendor,
        categoryId: categoryIds[n % categoryIds.length]!,
        imageUrls: [`https://images.example.com/generated/${n}.jpg`],
        channels: n % 10 === 9 ? DEMO_CHANNELS.filter((channel) => channel !== 'MARKETPLACE') : [...DEMO_CHANNELS],
        everChannels: n % 10 === 9 ? DEMO_CHANNELS.filter((channel) => channel !== 'MARKETPLACE') : [...DEMO_CHANNELS],
        minPriceMinor: basePrice,
        createdAt: DEMO_EPOCH,
        updatedAt: DEMO_EPOCH,
      });
      for (let position = 0; position < count; position += 1) {
        const size = SIZES[position]!;
        const priceMinor = basePrice + (size === 'XL' ? 500 : 0);
        variantRows.push({
          id: demoId('var', `gen-${n}-${position}`, ORDINAL_BASE * 10 + n * 10 + position),
          productId,
          sku: `GEN-${String(n).padStart(7, '0')}-${size}`,
          barcode: `2${String(n).padStart(9, '0')}${position}00`,
          title: size,
          options: [{ name: 'Size', value: size }],
          priceMinor,
          compareAtMinor: n % 9 === 0 ? priceMinor * 2 : null,
          currencyCode: 'EUR',
          position,
          createdAt: DEMO_EPOCH,
          updatedAt: DEMO_EPOCH,
        });
      }
    }
    await db.transaction(async (tx) => {
      await tx.insert(products).values(productRows).onConflictDoNothing();
      for (let chunk = 0; chunk < variantRows.length; chunk += 500) {
        await tx.insert(variants).values(variantRows.slice(chunk, chunk + 500)).onConflictDoNothing();
      }
      // Stock for every variant of the batch at every location, computed in the database:
      // warehouses hold plenty, a third of store shelves are empty.
      await tx.execute(sql`
        insert into ${inventoryLevels} (variant_id, location_id, on_hand, reserved, safety_stock, updated_at)
        select v.id, l.id,
          case when l.kind = 'WAREHOUSE' then 20 + abs(hashtext(v.id || l.id)) % 181
               when abs(hashtext(l.id || v.id)) % 100 < 35 then 0
               else 1 + abs(hashtext(v.id || l.id)) % 12 end,
          0, 0, ${DEMO_EPOCH.toISOString()}::timestamptz
        from ${variants} v cross join ${locations} l
        where v.product_id in ${productRows.map((row) => row.id!)}
        on conflict do nothing`);
      await tx.insert(catalogFeed).values(productRows.map((row) => ({ productId: row.id!, changedAt: DEMO_EPOCH }))).onConflictDoNothing();
    });
    doneVariants += variantRows.length;
    options.onProgress?.(doneVariants);
  }
  const locationCount = existing.length + missing;
  return { products: productCount, variants: doneVariants, locations: locationCount };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDatabase, runMigrations } from '@omni/db';
import { createTestDatabase, type TestDatabase } from '@omni/testing';
import { CATALOG_SCHEMA, openCatalogDatabase } from '../src/db/database';

const migrations = fileURLToPath(new URL('../drizzle', import.meta.url));
let testDb: TestDatabase;
let firstOnly: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // The migrations folder as it was before this release: 0000 only.
  firstOnly = mkdtempSync(join(tmpdir(), 'catalog-0000-'));
  cpSync(join(migrations, '0000_init.sql'), join(firstOnly, '0000_init.sql'));
  const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8'));
  journal.entries = journal.entries.slice(0, 1);
  cpSync(join(migrations, 'meta'), join(firstOnly, 'meta'), { recursive: true });
  writeFileSync(join(firstOnly, 'meta', '_journal.json'), JSON.stringify(journal));
});

afterAll(async () => {
  rmSync(firstOnly, { recursive: true, force: true });
  await testDb?.drop();
});

describe('upgrading a catalog database created by the first release', () => {
  it('keeps every product offered everywhere and fills prices, feed and lead times', async () => {
    await runMigrations(testDb.client, { schema: CATALOG_SCHEMA, migrationsFolder: firstOnly });
    const old = createDatabase(testDb.client, {});
    for (const statement of [
      sql`insert into catalog.categories (id, slug, name) values ('cat_00000000000000000000000001', 'jackets', 'Jackets')`,
      sql`insert into catalog.products (id, slug, title, vendor, category_id) values ('prod_0000000000000000000000001', 'old-parka', 'Old Parka', 'Fjell', 'cat_00000000000000000000000001')`,
      sql`insert into catalog.variants (id, product_id, sku, title, price_minor, currency_code, position) values
        ('var_00000000000000000000000001', 'prod_0000000000000000000000001', 'OLD-1', 'S', 5900, 'EUR', 0),
        ('var_00000000000000000000000002', 'prod_0000000000000000000000001', 'OLD-2', 'M', 4900, 'EUR', 1)`,
      sql`insert into catalog.locations (id, name, kind, street, city, postal_code, country_code) values
        ('loc_00000000000000000000000001', 'Old Warehouse', 'WAREHOUSE', 'Str. 1', 'Leipzig', '04435', 'DE')`,
      sql`insert into catalog.inventory_levels (variant_id, location_id, on_hand, reserved) values ('var_00000000000000000000000001', 'loc_00000000000000000000000001', 7, 2)`,
    ]) {
      await old.db.execute(statement);
    }

    const upgraded = await openCatalogDatabase(testDb.client);
    const result = await upgraded.db.execute(sql`
      select p.channels::text as channels, p.min_price_minor::int as min_price, p.search_vector::text as vector,
        (select count(*)::int from catalog.catalog_feed) as feed,
        (select transfer_lead_days from catalog.locations) as lead,
        (select delivery_lead_days from catalog.locations) as delivery,
        (select safety_stock from catalog.inventory_levels) as safety
      from catalog.products p`);
    // PGlite answers { rows }, postgres.js an array of rows.
    const raw = result as unknown as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
    const [state] = Array.isArray(raw) ? raw : (raw.rows ?? []);
    expect(state).toMatchObject({
      channels: '{WEB,MOBILE_APP,POS,SOCIAL,MESSENGER,CALL_CENTER,EMAIL,MARKETPLACE}',
      min_price: 4900,
      feed: 1,
      lead: 2,
      delivery: 3,
      safety: 0,
    });
    expect(String(state!.vector)).toContain("'parka'");
  });
});

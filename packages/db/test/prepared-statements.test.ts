import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { and, asc, desc, gt, inArray, sql } from 'drizzle-orm';
import { bigint, integer, jsonb, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { createDatabase, findFirstRowsPerParent, findFirstRowsPerParentPrepared, isAnyOf, openPglite, openPostgres, preparedOnce, type DatabaseClient } from '../src/index';

const schema = pgSchema('prepared_test');
const notes = schema.table('notes', {
  id: text('id').primaryKey(),
  parentId: text('parent_id').notNull(),
  score: integer('score').notNull(),
  amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  details: jsonb('details').$type<{ tags: string[] }>(),
  remark: text('remark'),
});

let client: DatabaseClient;
let dropDatabase: () => Promise<void>;
let database: ReturnType<typeof createDatabase<{ notes: typeof notes }>>;

/** PGlite in memory, or with DATABASE_URL a database of its own on that server. */
async function openTestClient(): Promise<{ client: DatabaseClient; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const pglite = await openPglite();
    return { client: pglite, drop: () => pglite.close() };
  }
  const name = `omni_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const server = openPostgres(own.toString(), { maxConnections: 4 });
  return {
    client: server,
    async drop() {
      await server.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

beforeAll(async () => {
  ({ client, drop: dropDatabase } = await openTestClient());
  database = createDatabase(client, { notes });
  await database.db.execute(sql`create schema prepared_test`);
  await database.db.execute(
    sql`create table prepared_test.notes (id text primary key, parent_id text not null, score integer not null, amount_minor bigint not null, created_at timestamptz not null, details jsonb, remark text)`,
  );
  const rows = ['a', 'b', 'c'].flatMap((parentId, p) =>
    Array.from({ length: 5 - p * 2 }, (_, i) => ({
      id: `${parentId}${i}`,
      parentId,
      score: (i * 7) % 5,
      amountMinor: 9_007_199_254_740_000 + i,
      createdAt: new Date(Date.UTC(2026, 0, 1 + i, 12)),
      details: i % 2 === 0 ? { tags: [parentId, `n${i}`] } : null,
      remark: i === 1 ? null : `note ${i}`,
    })),
  );
  await database.db.insert(notes).values(rows);
});

afterAll(async () => {
  await dropDatabase?.();
});

const KEY_SETS: readonly (readonly string[])[] = [[], ['b'], ['c', 'a', 'z', 'b', 'a']];

describe('preparedOnce', () => {
  it('builds a statement once per handle and name', async () => {
    let built = 0;
    const byIds = (db: typeof database.db, ids: readonly string[]) =>
      preparedOnce(db, 'notesByIds', (on) => {
        built += 1;
        return on.select().from(notes).where(isAnyOf(notes.id)).orderBy(asc(notes.id)).prepare('prepared_test_notes_by_ids');
      }).execute({ keys: ids });
    expect((await byIds(database.db, ['a0'])).map((row) => row.id)).toEqual(['a0']);
    expect((await byIds(database.db, ['a1', 'b1'])).map((row) => row.id)).toEqual(['a1', 'b1']);
    expect(built).toBe(1);
    // Another handle (another counter, or a transaction) has statements of its own.
    const other = database.separatelyCounted();
    expect((await byIds(other.db, ['c0'])).map((row) => row.id)).toEqual(['c0']);
    expect(built).toBe(2);
    expect(other.statements.total).toBe(1);
  });

  it('maps rows exactly as drizzle does, for no key, one and many (repeated, unknown) keys', async () => {
    for (const keys of KEY_SETS) {
      const expected = await database.db.select().from(notes).where(inArray(notes.id, keys.map((key) => `${key}1`))).orderBy(asc(notes.id));
      const prepared = await preparedOnce(database.db, 'notesByIdsMapped', (on) =>
        on.select().from(notes).where(isAnyOf(notes.id)).orderBy(asc(notes.id)).prepare('prepared_test_notes_by_ids_mapped'),
      ).execute({ keys: keys.map((key) => `${key}1`) });
      expect(prepared).toEqual(expected);
    }
    const all = await preparedOnce(database.db, 'notesOfParents', (on) =>
      on
        .select({ id: notes.id, createdAt: notes.createdAt, amountMinor: notes.amountMinor, details: notes.details, remark: notes.remark, doubled: sql<number>`${notes.score} * 2`.mapWith(Number) })
        .from(notes)
        .where(isAnyOf(notes.parentId))
        .orderBy(asc(notes.id))
        .prepare('prepared_test_notes_of_parents'),
    ).execute({ keys: ['a'] });
    expect(all.length).toBe(5);
    expect(all[0]!.createdAt).toBeInstanceOf(Date);
    expect(all[0]!.createdAt.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(all[0]!.amountMinor).toBe(9_007_199_254_740_000);
    expect(all[0]!.details).toEqual({ tags: ['a', 'n0'] });
    expect(all[1]!.details).toBeNull();
    expect(all[1]!.remark).toBeNull();
    expect(all.map((row) => row.doubled)).toEqual([0, 4, 8, 2, 6]);
  });
});

describe('findFirstRowsPerParentPrepared', () => {
  const firstPage = () => ({ table: notes, parent: notes.parentId, where: isAnyOf(notes.parentId), orderBy: [asc(notes.id)], limit: sql.placeholder('limit') });
  const afterCursor = () => ({
    table: notes,
    parent: notes.parentId,
    where: and(isAnyOf(notes.parentId), gt(notes.id, sql.placeholder('after'))),
    orderBy: [desc(notes.score), asc(notes.id)],
    limit: sql.placeholder('limit'),
  });

  it('answers what findFirstRowsPerParent does, in one statement, for no parent, one and many', async () => {
    for (const keys of KEY_SETS) {
      for (const limit of [1, 2, 10]) {
        const expected = await findFirstRowsPerParent(database.db, { table: notes, parent: notes.parentId, where: inArray(notes.parentId, [...keys]), orderBy: [asc(notes.id)], limit });
        const before = database.statements.total;
        const prepared = await findFirstRowsPerParentPrepared(database.db, 'prepared_test_first_page', firstPage, { keys, limit });
        expect(database.statements.total - before).toBe(1);
        expect(prepared).toEqual(expected);
      }
    }
    const some = await findFirstRowsPerParentPrepared(database.db, 'prepared_test_first_page', firstPage, { keys: ['c', 'a', 'b'], limit: 2 });
    expect(some.map((row) => row.id)).toEqual(['a0', 'a1', 'b0', 'b1', 'c0']);
    expect(some[0]!.createdAt).toBeInstanceOf(Date);
  });

  it('honours a cursor given as a placeholder', async () => {
    for (const keys of KEY_SETS) {
      const expected = await findFirstRowsPerParent(database.db, {
        table: notes,
        parent: notes.parentId,
        where: and(inArray(notes.parentId, [...keys]), gt(notes.id, 'a0')),
        orderBy: [desc(notes.score), asc(notes.id)],
        limit: 3,
      });
      const prepared = await findFirstRowsPerParentPrepared(database.db, 'prepared_test_after_cursor', afterCursor, { keys, after: 'a0', limit: 3 });
      expect(prepared).toEqual(expected);
    }
    // a1..a4 have scores 2, 4, 1, 3.
    const page = await findFirstRowsPerParentPrepared(database.db, 'prepared_test_after_cursor', afterCursor, { keys: ['a'], after: 'a0', limit: 3 });
    expect(page.map((row) => row.id)).toEqual(['a2', 'a4', 'a1']);
  });
});

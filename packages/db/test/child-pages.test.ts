import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, desc, gt, inArray, sql } from 'drizzle-orm';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import { createDatabase, findFirstRowsPerParent, openPglite, type DatabaseClient } from '../src/index';

const schema = pgSchema('child_pages_test');
const notes = schema.table('notes', { id: text('id').primaryKey(), parentId: text('parent_id').notNull(), score: integer('score').notNull() });

let client: DatabaseClient;
let db: ReturnType<typeof createDatabase<{ notes: typeof notes }>>;

beforeAll(async () => {
  client = await openPglite();
  db = createDatabase(client, { notes });
  await db.db.execute(sql`create schema child_pages_test`);
  await db.db.execute(sql`create table child_pages_test.notes (id text primary key, parent_id text not null, score integer not null)`);
  const rows = ['a', 'b', 'c'].flatMap((parentId, p) => Array.from({ length: 5 - p * 2 }, (_, i) => ({ id: `${parentId}${i}`, parentId, score: (i * 7) % 5 })));
  await db.db.insert(notes).values(rows);
});

afterAll(async () => {
  await client?.close();
});

describe('findFirstRowsPerParent', () => {
  it('cuts each parent to its first rows in one statement, grouped by parent and in the given order', async () => {
    const before = db.statements.total;
    const rows = await findFirstRowsPerParent(db.db, { table: notes, parent: notes.parentId, where: inArray(notes.parentId, ['a', 'b', 'c', 'z']), orderBy: [asc(notes.id)], limit: 2 });
    expect(db.statements.total - before).toBe(1);
    expect(rows).toEqual([
      { id: 'a0', parentId: 'a', score: 0 },
      { id: 'a1', parentId: 'a', score: 2 },
      { id: 'b0', parentId: 'b', score: 0 },
      { id: 'b1', parentId: 'b', score: 2 },
      { id: 'c0', parentId: 'c', score: 0 },
    ]);
  });

  it('honours a cursor in the filter and descending orders with ties broken by a second key', async () => {
    const rows = await findFirstRowsPerParent(db.db, {
      table: notes,
      parent: notes.parentId,
      where: and(inArray(notes.parentId, ['a']), gt(notes.id, 'a0')),
      orderBy: [desc(notes.score), asc(notes.id)],
      limit: 3,
    });
    // a1..a4 have scores 2, 4, 1, 3.
    expect(rows.map((row) => row.id)).toEqual(['a2', 'a4', 'a1']);
  });
});

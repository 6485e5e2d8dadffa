import { describe, expect, it } from 'vitest';
import { createChildPageLoader, createGroupedLoader, createKeyedLoader } from '../src/loaders';

describe('loaders', () => {
  it('batches keys into one call and returns rows in key order with null for missing keys', async () => {
    const calls: string[][] = [];
    const loader = createKeyedLoader(
      async (keys: readonly string[]) => {
        calls.push([...keys]);
        return [{ id: 'c' }, { id: 'a' }];
      },
      (row) => row.id,
    );
    const results = await Promise.all(['a', 'b', 'c'].map((key) => loader.load(key)));
    expect(results).toEqual([{ id: 'a' }, null, { id: 'c' }]);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('groups children by parent and gives parents without children an empty list', async () => {
    const loader = createGroupedLoader(
      async () => [
        { parent: 'p1', n: 1 },
        { parent: 'p2', n: 2 },
        { parent: 'p1', n: 3 },
      ],
      (row) => row.parent,
    );
    const [p1, p2, p3] = await Promise.all(['p1', 'p2', 'p3'].map((key) => loader.load(key)));
    expect(p1!.map((row) => row.n)).toEqual([1, 3]);
    expect(p2!.map((row) => row.n)).toEqual([2]);
    expect(p3).toEqual([]);
  });

  it('batches paged children per distinct page request', async () => {
    const calls: { parents: string[]; limit: number }[] = [];
    const loader = createChildPageLoader(
      async (parents, page) => {
        calls.push({ parents: [...parents], limit: page.limit });
        return parents.map((parent) => ({ parent }));
      },
      (row) => row.parent,
    );
    await Promise.all([
      loader.load('a', { limit: 5, after: null }),
      loader.load('b', { limit: 5, after: null }),
      loader.load('a', { limit: 10, after: null }),
    ]);
    expect(calls).toEqual([
      { parents: ['a', 'b'], limit: 5 },
      { parents: ['a'], limit: 10 },
    ]);
  });
});

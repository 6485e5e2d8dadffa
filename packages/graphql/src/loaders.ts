import DataLoader from 'dataloader';

/**
 * Loaders that honour the DataLoader contract: one batch function call per tick, results in key
 * order, `null` for keys that have no row (never a shifted array).
 */
export function createKeyedLoader<TKey, TRow>(
  fetchRows: (keys: readonly TKey[]) => Promise<TRow[]>,
  keyOf: (row: TRow) => TKey,
): DataLoader<TKey, TRow | null> {
  return new DataLoader<TKey, TRow | null>(async (keys) => {
    const rows = await fetchRows(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** For list children: every key gets the (possibly empty) list of its rows, in fetched order. */
export function createGroupedLoader<TKey, TRow>(
  fetchRows: (keys: readonly TKey[]) => Promise<TRow[]>,
  groupOf: (row: TRow) => TKey,
): DataLoader<TKey, TRow[]> {
  return new DataLoader<TKey, TRow[]>(async (keys) => {
    const rows = await fetchRows(keys);
    const groups = new Map<TKey, TRow[]>();
    for (const row of rows) {
      const key = groupOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/**
 * Paginated list children (`conversation.messages(first, after)` for many conversations at once).
 * One DataLoader per distinct page request, keyed by parent id, so a page of N parents costs one
 * SQL statement. `fetchPages` must return at most `limit + 1` rows per parent (e.g. with
 * `row_number() over (partition by parent order by key)`), in key order.
 */
export function createChildPageLoader<TRow, TCursor = string>(
  fetchPages: (parentIds: readonly string[], page: { limit: number; after: TCursor | null }) => Promise<TRow[]>,
  parentOf: (row: TRow) => string,
) {
  const loaders = new Map<string, DataLoader<string, TRow[]>>();
  return {
    load(parentId: string, page: { limit: number; after: TCursor | null }): Promise<TRow[]> {
      const pageKey = JSON.stringify([page.limit, page.after]);
      let loader = loaders.get(pageKey);
      if (!loader) {
        loader = createGroupedLoader((parentIds: readonly string[]) => fetchPages(parentIds, page), parentOf);
        loaders.set(pageKey, loader);
      }
      return loader.load(parentId);
    },
  };
}

/** For values computed per key from one batch (e.g. a batch query followed by a call per key). */
export function createBatchLoader<TKey, TValue>(load: (keys: readonly TKey[]) => Promise<TValue[]>): DataLoader<TKey, TValue> {
  return new DataLoader<TKey, TValue>(async (keys) => load(keys));
}

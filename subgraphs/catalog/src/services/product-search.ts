/** More words than this add nothing a shopper would notice, only work for the index. */
export const MAX_SEARCH_TERMS = 8;
export const MAX_SEARCH_LENGTH = 200;

/**
 * Turns what a shopper types into a `to_tsquery` expression where every word must match the start
 * of a word in the product, so "alp park" finds "Alpine Parka" while they are still typing. Only
 * letters and digits survive, so no input can break the tsquery syntax. Null when nothing
 * searchable is left, which callers treat as no search at all.
 */
export function toPrefixTsQuery(search: string): string | null {
  const terms = toPrefixTerms(search);
  return terms === null ? null : terms.join(' & ');
}

/** The same words as separate `word:*` terms, each matched in every search language. */
export function toPrefixTerms(search: string): string[] | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const distinct = [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
  if (distinct.length === 0) return null;
  return distinct.map((word) => `${word}:*`);
}

import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_TERMS, toPrefixTsQuery } from './product-search';

describe('toPrefixTsQuery', () => {
  it('makes every word a lower-case prefix that must match', () => {
    expect(toPrefixTsQuery('Alp  PARK')).toBe('alp:* & park:*');
  });

  it('keeps only letters and digits, so tsquery operators cannot be injected', () => {
    expect(toPrefixTsQuery("park:* | !(') & -- x'y")).toBe('park:* & x:* & y:*');
    expect(toPrefixTsQuery('T-Shirt 2')).toBe('t:* & shirt:* & 2:*');
  });

  it('keeps letters of any script', () => {
    expect(toPrefixTsQuery('Куртка Größe')).toBe('куртка:* & größe:*');
  });

  it('drops repeated words and caps the number of words', () => {
    expect(toPrefixTsQuery('mug mug MUG')).toBe('mug:*');
    const many = Array.from({ length: 20 }, (_, index) => `w${index}`).join(' ');
    expect(toPrefixTsQuery(many)?.split(' & ')).toHaveLength(MAX_SEARCH_TERMS);
  });

  it('returns null when nothing searchable is left', () => {
    expect(toPrefixTsQuery('')).toBeNull();
    expect(toPrefixTsQuery('  !?* ')).toBeNull();
  });
});

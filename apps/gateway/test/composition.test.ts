import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/compose';
import { SUPERGRAPH_FILE } from '../src/subgraphs';

describe('supergraph composition', () => {
  it('composes the five subgraphs without errors and matches the committed supergraph', () => {
    const { supergraphSdl } = composeSupergraph();
    expect(supergraphSdl).toContain('join__Graph');
    for (const name of ['CUSTOMER', 'CATALOG', 'CART', 'PROMOTIONS', 'SUPPORT']) {
      expect(supergraphSdl).toMatch(new RegExp(`${name} @join__graph\\(name: "${name.toLowerCase()}"`));
    }
    // A stale file means the gateway would serve a schema the subgraphs no longer have.
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(supergraphSdl);
  });
});

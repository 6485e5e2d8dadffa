import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/compose';
import { CLIENT_SCHEMA_FILE, SUPERGRAPH_FILE } from '../src/subgraphs';

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

  it('writes the client schema clients generate code from: the public API, without federation internals', () => {
    const { clientSchemaSdl } = composeSupergraph();
    expect(clientSchemaSdl).toMatch(/^interface Node \{/m);
    expect(clientSchemaSdl).not.toMatch(/join__|link__|@inaccessible|_entities|_service/);
    // Stale, codegen and relay-compiler would build clients against a schema the gateway does not serve.
    expect(readFileSync(CLIENT_SCHEMA_FILE, 'utf8')).toBe(clientSchemaSdl);
  });
});

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import { TEST_TOKEN_SECRET } from '@omni/testing';
import { buildManifest, MANIFEST_FILE, operationId, readManifest } from '../src/persisted-operations';
import { bearer, post, startTinySubgraph, tinyGateway, writeManifest } from './support/tiny-supergraph';

const REGISTERED = 'query Who {\n  whoami\n}';
const UNREGISTERED = 'query Other { whoami }';
const byHash = (body: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: operationId(body) } } });

let subgraph: Awaited<ReturnType<typeof startTinySubgraph>>;
let gateway: RunningServer;
let partner: Record<string, string>;
let customer: Record<string, string>;
const parses: string[] = [];

beforeAll(async () => {
  subgraph = await startTinySubgraph();
  const created = tinyGateway(subgraph.url, { persistedOperations: { manifestFile: writeManifest([REGISTERED]), safelistedKinds: ['partner'] } });
  const countParses: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          parses.push(source ?? '');
        },
      };
    },
  };
  created.apollo.addPlugin(countParses);
  gateway = await created.listen(0);
  partner = bearer(await mintAccessToken(TEST_TOKEN_SECRET, { role: 'partner', sub: 'acme' }));
  customer = bearer(await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' }));
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph?.stop();
});

describe('the committed manifest', () => {
  it('holds exactly the operations of examples/, as Apollo\'s manifest format (npm run persisted-operations)', () => {
    const examples = new URL('../../../examples/', import.meta.url);
    const sources = readdirSync(examples)
      .filter((name) => name.endsWith('.graphql'))
      .sort()
      .map((name) => ({ file: name, text: readFileSync(new URL(name, examples), 'utf8') }));
    expect(JSON.parse(readFileSync(MANIFEST_FILE, 'utf8'))).toEqual(buildManifest(sources));
    expect([...readManifest().values()].map((operation) => operation.name)).toContain('PosScan');
  });

  it('refuses an entry whose id is not the hash of its body', () => {
    const file = writeManifest([REGISTERED]);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.operations[0].body = UNREGISTERED;
    const tampered = file.replace(/\.json$/, '-tampered.json');
    writeFileSync(tampered, JSON.stringify(manifest));
    expect(() => readManifest(tampered)).toThrow(/not the SHA-256 of its body/);
  });
});

describe('automatic persisted queries', () => {
  it('runs a registered operation by its hash alone, the first time too', async () => {
    const answer = await post(gateway.url, byHash(REGISTERED), customer);
    expect(answer.body).toMatchObject({ data: { whoami: 'customer' } });
  });

  it('registers other operations the APQ way: unknown hash, then hash and text, then hash alone', async () => {
    const query = 'query Apq { whoami }';
    const miss = await post(gateway.url, byHash(query), customer);
    // Apollo Client retries with the text on this message.
    expect(miss.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await post(gateway.url, { query, ...byHash(query) }, customer)).body.data).toEqual({ whoami: 'customer' });
    expect((await post(gateway.url, byHash(query), customer)).body.data).toEqual({ whoami: 'customer' });
  });

  it('parses and validates a registered operation once, and never again', async () => {
    for (let i = 0; i < 3; i++) await post(gateway.url, byHash(REGISTERED), customer);
    await post(gateway.url, { query: REGISTERED }, customer);
    expect(parses.filter((query) => query === REGISTERED)).toHaveLength(1);
  });
});

describe('safelist per client kind', () => {
  it('refuses an unregistered operation from a safelisted kind before any subgraph, in text or by hash', async () => {
    const before = subgraph.calls.whoami;
    for (const body of [{ query: UNREGISTERED }, byHash(UNREGISTERED), { query: UNREGISTERED, ...byHash(UNREGISTERED) }]) {
      const answer = await post(gateway.url, body, partner);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(answer.body.errors?.[0]?.message).toMatch(/registered operations/);
    }
    expect(subgraph.calls.whoami).toBe(before);
    expect(parses).not.toContain(UNREGISTERED);
  });

  it('runs registered operations for a safelisted kind, by hash or as the exact registered text', async () => {
    expect((await post(gateway.url, byHash(REGISTERED), partner)).body.data).toEqual({ whoami: 'partner' });
    expect((await post(gateway.url, { query: REGISTERED }, partner)).body.data).toEqual({ whoami: 'partner' });
    // The same operation written differently is another text, and not registered.
    expect((await post(gateway.url, { query: '{ whoami }' }, partner)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('leaves other kinds free to send any operation', async () => {
    expect((await post(gateway.url, { query: UNREGISTERED }, customer)).body.data).toEqual({ whoami: 'customer' });
    expect((await post(gateway.url, { query: UNREGISTERED })).body.data).toEqual({ whoami: 'anonymous' });
  });

  it('refuses a bad token as UNAUTHENTICATED, as without a safelist', async () => {
    expect((await post(gateway.url, { query: UNREGISTERED }, bearer('not-a-token'))).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

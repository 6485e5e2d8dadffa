import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTinyGateway, type TinyGateway } from './support/tiny-gateway';

/**
 * graphql-cop's probes (dolevf/graphql-cop), each sent as the tool sends it and judged by the
 * tool's own rule for a finding. In production every one of them must come back clean.
 */
type Probe = { name: string; finding: (url: string) => Promise<boolean> };

async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

const json = (text: string): any => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

const answered = (text: string) => json(text)?.data?.__typename !== undefined;

const PROBES: Probe[] = [
  {
    name: 'alias overloading',
    finding: async (url) => {
      const aliases = Array.from({ length: 101 }, (_, i) => `alias${i}:__typename`).join(' ');
      return json((await post(url, { query: `query cop { ${aliases} }` })).text)?.data?.alias100 !== undefined;
    },
  },
  {
    name: 'array-based query batching',
    finding: async (url) => {
      const body = json((await post(url, Array.from({ length: 10 }, () => ({ query: 'query cop { __typename }' })))).text);
      return Array.isArray(body) && body.length >= 10;
    },
  },
  {
    name: 'directive overloading',
    finding: async (url) => (json((await post(url, { query: `query cop { __typename ${'@aa'.repeat(10)} }` })).text)?.errors?.length ?? 0) >= 10,
  },
  {
    name: 'field duplication',
    finding: async (url) => answered((await post(url, { query: `query cop { ${'__typename \n'.repeat(500)} }` })).text),
  },
  {
    name: 'circular query using introspection',
    finding: async (url) => {
      const query = 'query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }';
      return json((await post(url, { query })).text)?.data?.__schema !== undefined;
    },
  },
  {
    name: 'introspection',
    finding: async (url) => json((await post(url, { query: 'query cop { __schema { types { name fields { name } } } }' })).text)?.data?.__schema !== undefined,
  },
  {
    name: 'field suggestions',
    finding: async (url) => /Did you mean/.test((await post(url, { query: 'query cop { __schema { directive } }' })).text),
  },
  {
    name: 'GraphQL IDE (explorer)',
    finding: async (url) => {
      for (const path of ['/', '/graphiql', '/playground', '/altair', '/explorer', '/graphql']) {
        const response = await fetch(new URL(path, url), { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
        if (/GraphiQL|GraphQL Playground|Altair|Apollo Sandbox|embeddable-sandbox/i.test(await response.text())) return true;
      }
      return false;
    },
  },
  {
    name: 'GET query (possible CSRF)',
    finding: async (url) => answered(await (await fetch(`${url}?query=${encodeURIComponent('{__typename}')}`)).text()),
  },
  {
    name: 'GET mutation (possible CSRF)',
    finding: async (url) => answered(await (await fetch(`${url}?query=${encodeURIComponent('mutation cop {__typename}')}`)).text()),
  },
  {
    name: 'url-encoded POST query (possible CSRF)',
    finding: async (url) => answered((await post(url, `query=${encodeURIComponent('query cop { __typename }')}`, { 'content-type': 'application/x-www-form-urlencoded' })).text),
  },
  {
    name: 'trace mode',
    finding: async (url) => {
      const body = json((await post(url, { query: 'query cop { __typename }' })).text);
      return body?.extensions?.tracing !== undefined || body?.errors?.some((error: any) => error?.extensions?.tracing !== undefined) === true;
    },
  },
  {
    name: 'unhandled errors (stack traces)',
    finding: async (url) => {
      const text = (await post(url, { query: 'query cop { __typename {}' })).text;
      return json(text)?.errors?.some((error: any) => error?.extensions?.exception !== undefined || error?.extensions?.stacktrace !== undefined) === true || /\s+at\s.+\(.*:\d+:\d+\)/.test(text);
    },
  },
];

describe('graphql-cop probes against the gateway in production', () => {
  let gateway: TinyGateway;

  beforeAll(async () => {
    gateway = await startTinyGateway(true);
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('finds nothing', async () => {
    const findings: string[] = [];
    for (const probe of PROBES) if (await probe.finding(gateway.url)) findings.push(probe.name);
    expect(findings).toEqual([]);
    expect(gateway.bumps()).toBe(0);
  });

  it('would notice: in development introspection, suggestions and the explorer are on', async () => {
    // Keeps the probes honest: a probe that can never report a finding tests nothing.
    const development = await startTinyGateway(false);
    try {
      const findings: string[] = [];
      for (const probe of PROBES) if (await probe.finding(development.url)) findings.push(probe.name);
      expect(findings).toEqual(['introspection', 'field suggestions', 'GraphQL IDE (explorer)']);
    } finally {
      await development.stop();
    }
  });
});

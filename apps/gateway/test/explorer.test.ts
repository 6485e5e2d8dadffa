import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTinyGateway, type TinyGateway } from './support/tiny-gateway';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('GraphiQL explorer in development', () => {
  let gateway: TinyGateway;

  beforeAll(async () => {
    gateway = await startTinyGateway(false);
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('serves the page to a browser at / and /graphiql, loading only same-origin assets that exist', async () => {
    for (const path of ['/', '/graphiql']) {
      const response = await fetch(new URL(path, gateway.url), { headers: { accept: BROWSER_ACCEPT } });
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      // The icon is an empty data: URL, so the browser asks for no /favicon.ico.
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((reference) => !reference.startsWith('data:'));
      expect(references.length).toBe(5);
      for (const reference of references) {
        const asset = new URL(reference, new URL(path, gateway.url));
        expect(asset.origin).toBe(new URL(gateway.url).origin);
        const loaded = await fetch(asset);
        expect(loaded.status, reference).toBe(200);
        expect(loaded.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
        expect(await loaded.text()).not.toMatch(/(?:src|href)=["']https?:\/\/|import\(["']https?:/);
      }
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('still answers API clients at / with JSON', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ hello }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await response.json()).toMatchObject({ data: { hello: 'Hello world' } });
    const post = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT }, body: JSON.stringify({ query: '{ hello }' }) });
    expect(await post.json()).toMatchObject({ data: { hello: 'Hello world' } });
  });
});

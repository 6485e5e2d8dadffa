import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTinyGateway, type TinyGateway } from './support/tiny-gateway';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking switches Chromium phones Google's hosts, which a closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe.skipIf(!existsSync(CHROMIUM))('GraphiQL explorer in a real browser, offline', () => {
  let gateway: TinyGateway;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await startTinyGateway(false);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('loads from the gateway alone, reads the schema and runs a query', async () => {
    const page = await browser.newPage();
    const origin = new URL(gateway.url).origin;
    const foreign: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    // GraphiQL opens with the query it kept in local storage.
    await page.addInitScript({ content: `window.localStorage.setItem('graphiql:query', '{ hello(name: "browser") }')` });
    const introspected = page.waitForResponse((response) => response.request().method() === 'POST' && (response.request().postData() ?? '').includes('__schema'));
    await page.goto(`${gateway.url.replace(/\/$/, '')}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    expect((await introspected).status()).toBe(200);
    await page.click('.graphiql-execute-button');
    // A locator waits from Playwright's own isolated world: the page's CSP (script-src 'self') forbids
    // the string evaluation waitForFunction would need, and it must stay that strict.
    await page.locator('.graphiql-response').getByText('Hello browser').waitFor({ timeout: 20_000 });
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

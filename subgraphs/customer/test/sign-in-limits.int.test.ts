import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES_BY_KIND, type Caller } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import { expectData, signedSubgraphClient, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import type { CodeSender } from '../src/clients/code-sender';
import { createCustomerSubgraph } from '../src/server';
import {
  CHECKS_PER_CLIENT,
  CHECKS_PER_IDENTIFIER_HOURLY,
  CODES_PER_CLIENT_HOURLY,
  CODES_PER_IDENTIFIER_BURST,
  CODES_PER_IDENTIFIER_HOURLY,
} from '../src/services/sign-in-limits';
import { NO_SIBLINGS, startCustomerHarness, type CustomerHarness } from './support/customer-harness';

const sent: { kind: string; value: string; code: string }[] = [];
const codeSender: CodeSender = { send: async ({ kind, value, code }) => void sent.push({ kind, value, code }) };
let h: CustomerHarness;
/** A second instance on the same database: the limits must hold across instances. */
let second: RunningServer;
beforeAll(async () => {
  h = await startCustomerHarness({ codeSender });
  second = await createCustomerSubgraph({ database: h.database, signingSecret: TEST_SIGNING_SECRET, siblingUrls: NO_SIBLINGS, tokenSecret: TEST_TOKEN_SECRET, codeSender }).listen(0);
});
afterAll(async () => {
  await second?.stop();
  await h?.stop();
});

const REQUEST = `mutation($input: RequestSignInCodeInput!) { requestSignInCode(input: $input) { challengeId userErrors { code field message } } }`;
const SIGN_IN = `mutation($input: SignInWithCodeInput!) { signInWithCode(input: $input) { accessToken userErrors { code field message } } }`;
type Payload = { challengeId?: string | null; accessToken?: string | null; userErrors: { code: string; field: string[] | null; message: string }[] };

const fromAddress = (clientAddress: string, instance = 0) => {
  const caller: Caller = { kind: 'anonymous', channel: 'WEB', clientAddress, scopes: [...SCOPES_BY_KIND.anonymous] };
  return instance === 0 ? h.as(caller) : signedSubgraphClient(second.url, TEST_SIGNING_SECRET, caller);
};
const requestCode = async (clientAddress: string, value: string, instance = 0): Promise<Payload> =>
  expectData(await fromAddress(clientAddress, instance)(REQUEST, { input: { kind: 'EMAIL', value } })).requestSignInCode;
const checkCode = async (clientAddress: string, challengeId: string, code: string): Promise<Payload> =>
  expectData(await fromAddress(clientAddress)(SIGN_IN, { input: { challengeId, code } })).signInWithCode;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const sentTo = (value: string) => sent.filter((message) => message.value === value);

/** PGlite answers `{ rows }`, postgres.js an array of rows. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];

/** Runs `count` calls, `concurrency` at a time. */
async function inWaves<T>(count: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += concurrency) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, count - start) }, (_, k) => call(start + k)))));
  }
  return results;
}

/** Moves a limit's open windows into the past, as if its window had passed. */
async function endWindows(limitName: string): Promise<void> {
  await h.database.db.execute(sql`update customer.rate_limit_counters set window_ends_at = now() - interval '1 second' where key like ${`${limitName}:%`}`);
}

describe('limits on asking for sign-in codes', () => {
  it('sends one code for 1,000 requests for one identifier from 1,000 clients on two instances, and 5 an hour', async () => {
    const value = 'flood.target@example.com';
    const payloads = await inWaves(1000, 50, (i) => requestCode(`198.51.${i >> 8}.${i & 255}`, value, i % 2));
    expect(sentTo(value)).toHaveLength(CODES_PER_IDENTIFIER_BURST.max);
    expect(payloads.filter((p) => p.challengeId)).toHaveLength(1);
    const refused = payloads.filter((p) => !p.challengeId);
    expect(refused).toHaveLength(999);
    for (const payload of refused) {
      expect(payload.userErrors).toEqual([{ code: 'RATE_LIMITED', field: ['input', 'value'], message: expect.stringMatching(/^A code was just sent to this identifier; try again in \d+ seconds?$/) }]);
    }
    const [challenges] = rowsOf<{ count: number }>(await h.database.db.execute(sql`select count(*)::int as count from customer.sign_in_challenges where value = ${value}`));
    expect(challenges!.count).toBe(1);

    // Once 30 seconds have passed, another code goes out, up to five in the hour.
    for (let n = 2; n <= CODES_PER_IDENTIFIER_HOURLY.max; n += 1) {
      await endWindows(CODES_PER_IDENTIFIER_BURST.name);
      expect((await requestCode(`203.0.113.${n}`, value)).userErrors).toEqual([]);
    }
    await endWindows(CODES_PER_IDENTIFIER_BURST.name);
    const sixth = await requestCode('203.0.113.99', value);
    expect(sixth.userErrors).toEqual([{ code: 'RATE_LIMITED', field: ['input', 'value'], message: expect.stringMatching(/^Too many codes were sent to this identifier; try again in (59|60) minutes$/) }]);
    expect(sentTo(value)).toHaveLength(CODES_PER_IDENTIFIER_HOURLY.max);

    // The hour over, codes go out again.
    await endWindows(CODES_PER_IDENTIFIER_BURST.name);
    await endWindows(CODES_PER_IDENTIFIER_HOURLY.name);
    expect((await requestCode('203.0.113.100', value)).userErrors).toEqual([]);
    expect(sentTo(value)).toHaveLength(CODES_PER_IDENTIFIER_HOURLY.max + 1);
  });

  it('sends 20 codes an hour to one client whatever the identifiers, and does not hold others back', async () => {
    const before = sent.length;
    const payloads = await inWaves(30, 10, (i) => requestCode('192.0.2.10', `sprayed-${i}@example.com`, i % 2));
    expect(sent.length - before).toBe(CODES_PER_CLIENT_HOURLY.max);
    const refused = payloads.filter((p) => p.userErrors.length);
    expect(refused).toHaveLength(30 - CODES_PER_CLIENT_HOURLY.max);
    for (const payload of refused) {
      expect(payload.userErrors).toEqual([{ code: 'RATE_LIMITED', field: null, message: expect.stringMatching(/^Too many codes were requested from this device or network; try again in (59|60) minutes$/) }]);
    }
    // The refused identifiers' own quota is untouched: from another client they get their code.
    const refusedIdentifier = `sprayed-${payloads.findIndex((p) => p.userErrors.length)}@example.com`;
    expect((await requestCode('192.0.2.11', refusedIdentifier)).userErrors).toEqual([]);
    expect(sentTo(refusedIdentifier)).toHaveLength(1);
  });

  it('counts IPv6 clients by their /64 network', async () => {
    const before = sent.length;
    await inWaves(CODES_PER_CLIENT_HOURLY.max + 5, 5, (i) => requestCode(`2001:db8:1:2::${(i + 1).toString(16)}`, `v6-${i}@example.com`));
    expect(sent.length - before).toBe(CODES_PER_CLIENT_HOURLY.max);
  });
});

describe('limits on checking sign-in codes', () => {
  /** Codes for fresh identifiers, each asked from its own client so no request limit gets in the way. */
  async function challenges(count: number, prefix: string) {
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const value = `${prefix}-${i}@example.com`;
        const { challengeId } = await requestCode(`100.64.${prefix.length}.${i}`, value);
        return { challengeId: challengeId!, code: sentTo(value).at(-1)!.code };
      }),
    );
  }

  it('lets one client check 30 codes in 10 minutes, across challenges', async () => {
    const targets = await challenges(7, 'checked');
    const outcomes: string[] = [];
    for (const target of targets) {
      for (let attempt = 0; attempt < 5; attempt += 1) outcomes.push((await checkCode('192.0.2.50', target.challengeId, wrong(target.code))).userErrors[0]!.code);
    }
    expect(outcomes.slice(0, CHECKS_PER_CLIENT.max)).toEqual(Array(CHECKS_PER_CLIENT.max).fill('INVALID'));
    expect(new Set(outcomes.slice(CHECKS_PER_CLIENT.max))).toEqual(new Set(['RATE_LIMITED']));
    // Even the right code is not checked from that client now; another client may still sign in.
    const last = targets.at(-1)!;
    const refused = await checkCode('192.0.2.50', last.challengeId, last.code);
    expect(refused).toEqual({ accessToken: null, userErrors: [{ code: 'RATE_LIMITED', field: null, message: expect.stringMatching(/^Too many sign-in attempts from this device or network; try again in (9|10) minutes$/) }] });
    const elsewhere = await checkCode('192.0.2.51', last.challengeId, last.code);
    expect(elsewhere.userErrors).toEqual([]);
    expect(elsewhere.accessToken).toEqual(expect.any(String));
  });

  it('checks 10 codes an hour for one identifier, whatever the clients and challenges', async () => {
    const value = 'guessed@example.com';
    const codes: { challengeId: string; code: string }[] = [];
    for (let n = 0; n < 3; n += 1) {
      await endWindows(CODES_PER_IDENTIFIER_BURST.name);
      const { challengeId } = await requestCode(`100.65.0.${n}`, value);
      codes.push({ challengeId: challengeId!, code: sentTo(value).at(-1)!.code });
    }
    const outcomes: string[] = [];
    for (const [n, target] of codes.slice(0, 2).entries()) {
      for (let attempt = 0; attempt < 5; attempt += 1) outcomes.push((await checkCode(`100.66.${n}.${attempt}`, target.challengeId, wrong(target.code))).userErrors[0]!.code);
    }
    expect(outcomes).toEqual(Array(CHECKS_PER_IDENTIFIER_HOURLY.max).fill('INVALID'));
    const third = codes[2]!;
    const refused = await checkCode('100.66.9.9', third.challengeId, third.code);
    expect(refused).toEqual({ accessToken: null, userErrors: [{ code: 'RATE_LIMITED', field: ['input', 'code'], message: expect.stringMatching(/^Too many sign-in attempts for this identifier; try again in (59|60) minutes$/) }] });
    // Refused before the code was compared: the challenge keeps its attempts for later.
    await endWindows(CHECKS_PER_IDENTIFIER_HOURLY.name);
    const later = await checkCode('100.66.9.9', third.challengeId, third.code);
    expect(later.userErrors).toEqual([]);
  });
});

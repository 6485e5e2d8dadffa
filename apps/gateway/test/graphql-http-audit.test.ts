import { auditServer, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTinyGateway, type TinyGateway } from './support/tiny-gateway';

/** Audits that read `__type`: they need introspection, which production turns off on purpose. */
const NEED_INTROSPECTION = ['BF61', '28B9', '2EA1'];

function failures(results: AuditResult[], level: 'MUST' | 'SHOULD', except: string[] = []) {
  return results
    .filter((result) => result.name.startsWith(level) && result.status !== 'ok' && !except.includes(result.id))
    .map((result) => `${result.id} ${result.name}: ${result.status === 'ok' ? '' : result.reason}`);
}

describe.each([
  { mode: 'development', production: false, except: [] },
  { mode: 'production', production: true, except: NEED_INTROSPECTION },
])('graphql-http audit of the gateway ($mode)', ({ production, except }) => {
  let gateway: TinyGateway;
  let results: AuditResult[];

  beforeAll(async () => {
    gateway = await startTinyGateway(production);
    results = await auditServer({ url: gateway.url });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('passes every MUST', () => {
    expect(results.filter((result) => result.name.startsWith('MUST')).length).toBe(13);
    expect(failures(results, 'MUST', except)).toEqual([]);
  });

  it('passes every SHOULD', () => {
    expect(results.filter((result) => result.name.startsWith('SHOULD')).length).toBe(23);
    expect(failures(results, 'SHOULD', except)).toEqual([]);
  });
});

/**
 * HTTP requests a GraphQL endpoint must refuse with a JSON error, never an HTML page, a stack
 * trace or a 500: a 4xx when the request is not GraphQL over HTTP at all, and 200 (the client
 * accepts `application/json`) when it is but the document or operation name is wrong, as the
 * GraphQL-over-HTTP spec asks. Shared by the gateway's and the subgraphs' tests.
 */
export interface MalformedRequest {
  name: string;
  method: 'GET' | 'POST';
  /** Appended to the endpoint URL (GET). */
  search?: string;
  contentType?: string;
  body?: string;
  /** The operation text the request carries, for endpoints that need a header signed for it. */
  query: string;
  status: number;
}

export function malformedRequests(bodyLimitBytes: number): MalformedRequest[] {
  const json = 'application/json';
  return [
    { name: 'malformed JSON', method: 'POST', contentType: json, body: '{"query": "{ __typename }"', query: '{ __typename }', status: 400 },
    { name: 'form content type', method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'query={__typename}', query: '{__typename}', status: 415 },
    { name: 'text content type', method: 'POST', contentType: 'text/plain', body: '{"query":"{ __typename }"}', query: '{ __typename }', status: 415 },
    { name: 'unsupported charset', method: 'POST', contentType: `${json}; charset=latin1`, body: '{"query":"{ __typename }"}', query: '{ __typename }', status: 415 },
    { name: 'empty body', method: 'POST', contentType: json, body: '', query: '', status: 400 },
    { name: 'empty object', method: 'POST', contentType: json, body: '{}', query: '', status: 400 },
    { name: 'string body', method: 'POST', contentType: json, body: '"{ __typename }"', query: '{ __typename }', status: 400 },
    { name: 'number body', method: 'POST', contentType: json, body: '42', query: '', status: 400 },
    { name: 'array body (batch)', method: 'POST', contentType: json, body: '[{"query":"{ __typename }"}]', query: '{ __typename }', status: 400 },
    { name: 'query not a string', method: 'POST', contentType: json, body: '{"query":{"text":"{ __typename }"}}', query: '', status: 400 },
    { name: 'variables not an object', method: 'POST', contentType: json, body: '{"query":"{ __typename }","variables":"[1]"}', query: '{ __typename }', status: 400 },
    { name: 'operationName not a string', method: 'POST', contentType: json, body: '{"query":"{ __typename }","operationName":7}', query: '{ __typename }', status: 400 },
    { name: 'unknown operationName', method: 'POST', contentType: json, body: '{"query":"query A { __typename }","operationName":"B"}', query: 'query A { __typename }', status: 200 },
    { name: 'several operations, no name', method: 'POST', contentType: json, body: '{"query":"query A { __typename } query B { __typename }"}', query: 'query A { __typename } query B { __typename }', status: 200 },
    { name: 'syntax error', method: 'POST', contentType: json, body: '{"query":"{ __typename"}', query: '{ __typename', status: 200 },
    { name: 'mutation over GET', method: 'GET', search: `?query=${encodeURIComponent('mutation { __typename }')}`, query: 'mutation { __typename }', status: 405 },
    { name: 'GET without query', method: 'GET', search: '?variables=%7B%7D', query: '', status: 400 },
    {
      name: 'body over the limit',
      method: 'POST',
      contentType: json,
      body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(bodyLimitBytes + 1024) } }),
      query: '{ __typename }',
      status: 413,
    },
  ];
}

export interface RefusalCheck {
  name: string;
  status: number;
  contentType: string | null;
  code: unknown;
  /** Anything in the body that gives away internals: stack frames, file paths, HTML. */
  leaks: string[];
}

const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat [\w$.<>]+ \(|\bat file:|\bat node:/],
  ['file path', /node_modules|\/work\/|\/src\/|\.ts:\d+|\.js:\d+/],
  ['html', /<html|<pre|<!DOCTYPE/i],
  ['sql', /\bselect\b.+\bfrom\b/i],
];

/** Sends one malformed request and reports what came back, for a test to compare with what it expects. */
export async function sendMalformed(url: string, request: MalformedRequest, headers: Record<string, string> = {}): Promise<RefusalCheck> {
  const response = await fetch(`${url}${request.search ?? ''}`, {
    method: request.method,
    headers: {
      ...(request.contentType ? { 'content-type': request.contentType } : {}),
      // Apollo's CSRF protection would refuse a GET without it before reaching what is tested.
      ...(request.method === 'GET' ? { 'apollo-require-preflight': 'true' } : {}),
      ...headers,
    },
    body: request.method === 'POST' ? (request.body ?? '') : undefined,
  });
  const text = await response.text();
  let code: unknown;
  try {
    code = (JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code;
  } catch {
    code = `not JSON: ${text.slice(0, 80)}`;
  }
  return {
    name: request.name,
    status: response.status,
    contentType: response.headers.get('content-type')?.split(';')[0] ?? null,
    code,
    leaks: LEAKS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind),
  };
}

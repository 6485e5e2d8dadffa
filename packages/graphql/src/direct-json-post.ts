import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction, type HTTPGraphQLResponse } from '@apollo/server';
import bytes from 'bytes';
import { sendGraphQLRequestError, sendJson } from './graphql-over-http';
import { nestingViolation } from './nesting-limits';
import { pathOf, type RequestStep } from './request-observability';
import { rememberBodyText } from './request-body';

/**
 * The request a service answers most — a GraphQL POST with a plain UTF-8 JSON body, from the
 * gateway or a sibling service — served on node:http without express. Express's router, the
 * body-parser stack (content-type, type-is, raw-body, iconv) and the adapter in front of Apollo
 * Server cost a fixed slice of every request, a large one next to a subgraph fetch that resolves
 * a handful of fields. The checks stay the same as on the express path: size limit, JSON object
 * or array only, nesting limits, then Apollo Server with the same context; error answers use the
 * same texts and statuses, and the server's guards run in the same order. Everything else (GET,
 * other media types, compressed bodies, charsets, other paths, the health and metrics endpoints)
 * keeps going through express.
 */
export interface DirectJsonPostOptions<TContext extends BaseContext> {
  /** Largest accepted body, in bytes or as `'4mb'`. */
  bodyLimit: number | string;
  maxNesting: number;
  context: ContextFunction<[{ req: IncomingMessage }], TContext>;
  /** Request ids, access log and spans (request-observability.ts); absent when the edge is off. */
  observe?: { begin: RequestStep; resume: RequestStep } | undefined;
  /** Steps before the body is read (CORS headers), in order. */
  before?: readonly RequestStep[];
  /** The server's guards, run in order on the parsed body; each answers the request or calls next. */
  guards?: readonly RequestStep[];
  /** The only paths taken here (e.g. `/` and `/graphql`); every path when left out. */
  paths?: ReadonlySet<string>;
  logError: (error: unknown) => void;
}

/** `application/json` alone or with `charset=utf-8`: the only bodies read here, as UTF-8. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** JSON's own whitespace, which may precede the first bracket (body-parser's strict check). */
const FIRST_SIGNIFICANT = /^[\x20\x09\x0a\x0d]*(.)/s;
const BYTE_ORDER_MARK = '\uFEFF';

function refuse(res: ServerResponse, status: number, message: string, closeConnection = false): void {
  if (closeConnection) res.setHeader('connection', 'close');
  sendJson(res, status, JSON.stringify({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' } }] }));
}

/** Parses a body the way `express.json({ strict: true })` does: empty is `{}`, else an object or array. */
function parseJsonBody(text: string): { ok: true; body: unknown } | { ok: false } {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  if (source.length === 0) return { ok: true, body: {} };
  const first = FIRST_SIGNIFICANT.exec(source)?.[1];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, body: JSON.parse(source) };
  } catch {
    return { ok: false };
  }
}

async function sendApolloResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * A handler that takes the request when it is a plain JSON POST and answers it (true), or leaves
 * it untouched for express (false).
 */
export function directJsonPost<TContext extends BaseContext>(apollo: ApolloServer<TContext>, options: DirectJsonPostOptions<TContext>) {
  const limit = typeof options.bodyLimit === 'number' ? options.bodyLimit : bytes.parse(options.bodyLimit);
  if (limit === null || !Number.isFinite(limit)) throw new Error(`Not a body size: ${String(options.bodyLimit)}`);
  const { maxNesting, context, observe, logError, paths } = options;
  const before = options.before ?? [];
  const guards = options.guards ?? [];

  const failed = (res: ServerResponse, error: unknown) => {
    logError(error);
    if (res.headersSent) res.destroy();
    else refuse(res, 500, 'Internal server error');
  };

  /** Runs `steps` from `index` on, each calling the next as express would; then `last`. A step that throws or passes an error ends the request with 500. */
  const runSteps = (steps: readonly RequestStep[], index: number, req: IncomingMessage & { body?: unknown }, res: ServerResponse, last: () => void): void => {
    if (index === steps.length) return last();
    const next = (error?: unknown) => (error === undefined ? runSteps(steps, index + 1, req, res, last) : failed(res, error));
    try {
      const outcome: unknown = (steps[index] as (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => unknown)(req, res, next);
      if (outcome instanceof Promise) outcome.catch((error: unknown) => failed(res, error));
    } catch (error) {
      failed(res, error);
    }
  };

  const execute = (req: IncomingMessage & { body?: unknown }, res: ServerResponse, body: unknown) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: query === -1 ? '' : url.slice(query), body },
        context: () => context({ req }),
      })
      .then((response) => sendApolloResponse(res, response))
      .catch((error: unknown) => failed(res, error));
  };

  const check = (req: IncomingMessage & { body?: unknown }, res: ServerResponse, body: unknown) => {
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { query?: unknown; variables?: unknown }) : {};
    const violation = nestingViolation(fields.query, fields.variables, maxNesting);
    if (violation) return sendGraphQLRequestError(req, res, { errors: [{ message: violation, extensions: { code: 'BAD_USER_INPUT' } }] });
    runSteps(guards, 0, req, res, () => execute(req, res, body));
  };

  const read = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      // The body is not read; the connection cannot carry another request after it.
      refuse(res, 413, 'The request body is too large', true);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > limit) {
        done = true;
        refuse(res, 413, 'The request body is too large', true);
        return;
      }
      chunks.push(chunk);
    });
    // An aborted request gets no answer: nobody is left to read it.
    req.on('error', () => {
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      const parsed = parseJsonBody(text);
      if (!parsed.ok) return refuse(res, 400, 'The request body is not a valid JSON object');
      req.body = parsed.body;
      rememberBodyText(req, text);
      // The body's events belong to no request: enter the request's log and trace context again.
      if (observe) observe.resume(req, res, () => check(req, res, parsed.body));
      else check(req, res, parsed.body);
    });
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const type = req.headers['content-type'];
    if (type === undefined || !PLAIN_JSON.test(type)) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    if (paths && !paths.has(pathOf(req))) return false;
    const start = () => runSteps(before, 0, req, res, () => read(req, res));
    if (observe) observe.begin(req, res, start);
    else start();
    return true;
  };
}

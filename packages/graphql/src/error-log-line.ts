import { loggerForError } from './request-observability';

/**
 * Turns an unexpected error into one log line an operator can act on: every error of its cause
 * chain with its code (a driver's SQLSTATE such as 53300, a socket's ECONNRESET), without the
 * query parameters drizzle appends to its message (they can hold personal data) and without
 * the stack, which fills fifteen lines and says nothing the chain does not.
 */

const MAX_MESSAGE_LENGTH = 300;
const MAX_CHAIN = 6;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  path?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

function messageOf(error: ErrorLike): string {
  const message = typeof error.message === 'string' ? error.message : String(error);
  // drizzle: "Failed query: <sql>\nparams: <values>"; postgres.js and PGlite keep values apart.
  const withoutParams = message.split(/\n\s*params:/)[0]!;
  const oneLine = withoutParams.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE_LENGTH ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH)}…` : oneLine;
}

function describeOne(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const candidate = error as ErrorLike;
  // Some libraries (drizzle's DrizzleQueryError) leave `name` as plain "Error"; the class says more.
  const named = typeof candidate.name === 'string' ? candidate.name : 'Error';
  const name = named === 'Error' && error.constructor?.name ? error.constructor.name : named;
  const code = typeof candidate.code === 'string' || typeof candidate.code === 'number' ? ` (code ${candidate.code})` : '';
  return `${name}: ${messageOf(candidate)}${code}`;
}

/** The next error down: GraphQL's `originalError`, else the standard `cause`. */
function underlying(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as ErrorLike;
  return candidate.originalError ?? candidate.cause;
}

export function describeErrorForLog(error: unknown): string {
  const path = Array.isArray((error as ErrorLike | null)?.path) ? ` at ${((error as ErrorLike).path as unknown[]).join('.')}` : '';
  return `unexpected error${path}: ${describeErrorChain(error)}`;
}

/** Every error of the cause chain on one line, e.g. `FetchError: … <- caused by Error: … (code ECONNREFUSED)`. */
export function describeErrorChain(error: unknown): string {
  const chain: { message: string; line: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CHAIN; depth += 1) {
    const entry = { message: typeof current === 'object' ? messageOf(current as ErrorLike) : String(current), line: describeOne(current) };
    // A GraphQLError repeats its original error's message; keep the deeper one, which has the code.
    if (chain.at(-1)?.message === entry.message) chain[chain.length - 1] = entry;
    else chain.push(entry);
    current = underlying(current);
  }
  return chain.map((entry) => entry.line).join(' <- caused by ');
}

const alreadyLogged = new WeakSet<object>();

/** For an error whose line was written where more was known (which subgraph did not answer). */
export function markErrorLogged(error: unknown): void {
  if (typeof error === 'object' && error !== null) alreadyLogged.add(error);
}

function wasLogged(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < MAX_CHAIN; depth += 1) {
    if (alreadyLogged.has(current)) return true;
    current = underlying(current);
  }
  return false;
}

export function logUnexpectedError(error: unknown): void {
  if (wasLogged(error)) return;
  loggerForError(error).error(describeErrorForLog(error));
}

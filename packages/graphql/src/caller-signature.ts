import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  assertSignedForOperation,
  CALLER_CONTEXT_HEADER,
  CLOCK_TOLERANCE_SECONDS,
  claimsUnboundAudience,
  InvalidCallerContextError,
  unverifiedIssuer,
  verifyCallerContext,
  verifyUnboundCallerContext,
  type InvalidCallerContextReason,
  type SignedOperation,
  type VerifiedCallerContext,
} from '@omni/auth';
import { unauthenticated } from './errors';
import { bodyTextOf } from './request-body';

/** One warning per reason per minute: a misconfigured gateway refuses every request, the log must stay readable. */
const WARNING_INTERVAL_MS = 60_000;

export interface CallerSignatureOptions {
  subgraph: string;
  signingSecret: string;
  /** Receives one line per warning; never the header or the secret. */
  warn: (line: string) => void;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

type ParsedRequest = IncomingMessage & { body?: unknown; query?: unknown };

/**
 * The operation, name and variables of a parsed request as Apollo will read them: a JSON POST
 * body, or the parameters of a GET (variables as JSON text). Undefined when the request has no
 * operation text or is malformed; Apollo refuses those, or the plugin below checks what it resolved.
 */
function receivedOperation(req: ParsedRequest): SignedOperation | undefined {
  let fields: { query?: unknown; variables?: unknown; operationName?: unknown };
  if (req.method === 'GET') {
    const params = (req.query ?? {}) as Record<string, unknown>;
    let variables: unknown = params.variables;
    if (typeof variables === 'string') {
      try {
        variables = JSON.parse(variables);
      } catch {
        return undefined;
      }
    }
    fields = { query: params.query, variables, operationName: params.operationName };
  } else if (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body)) {
    fields = req.body as typeof fields;
  } else {
    return undefined;
  }
  const { query, variables, operationName } = fields;
  if (typeof query !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  return { query, variables, operationName };
}

// A property rather than a WeakMap: Apollo hands plugins a shallow copy of the context object.
const VERIFIED = Symbol('verified caller context');

/**
 * Headers already accepted together with the exact body text they came with. The gateway reuses
 * a caller's header for the same fetch within seconds, and the outcome of both checks (signature,
 * then operation digest) depends only on the header, that text and the clock; so a repeat skips
 * the HMAC, the claims' validation and the SHA-256 over the operation, and only the expiry is
 * checked again. Bounded in entries and in body size, so it holds a few MB at most.
 */
const MEMO_ENTRIES = 2_000;
const MEMO_MAX_BODY_CHARS = 8_192;

interface AcceptedHeader {
  verified: VerifiedCallerContext;
  unbound: boolean;
}

/**
 * Checks the signed caller header of a subgraph request: the signature and the operation text,
 * name and variables it was issued for when the context is built, so a captured header cannot
 * carry a different operation or the same one with other arguments; and once more against the
 * text and variables Apollo actually resolved (persisted queries and any other route to a
 * document included) before anything executes.
 */
export function createCallerSignature<TContext extends object>(options: CallerSignatureOptions) {
  const lastWarned = new Map<InvalidCallerContextReason, number>();

  function warnOnce(reason: InvalidCallerContextReason, line: string): void {
    const now = Date.now();
    if (now - (lastWarned.get(reason) ?? -Infinity) < WARNING_INTERVAL_MS) return;
    lastWarned.set(reason, now);
    options.warn(`[${options.subgraph}] ${line}`);
  }

  function explain(error: InvalidCallerContextError, token: string | undefined, req: IncomingMessage): void {
    const from = `from ${req.socket.remoteAddress ?? 'unknown address'}, issuer "${unverifiedIssuer(token)}"`;
    if (error.reason === 'signature') {
      warnOnce('signature', `refusing requests whose caller header signature does not verify (${from}): the caller signs with a different GATEWAY_SIGNING_SECRET than this subgraph`);
    } else if (error.reason === 'expired') {
      warnOnce('expired', `refusing requests whose caller header has expired (${from}): check that the clocks of gateway and subgraph hosts agree`);
    } else if (error.reason === 'issuer') {
      warnOnce('issuer', `refusing a caller header its issuer may not sign (${from}): only the gateway signs for people, a service only as itself`);
    }
  }

  // Contexts built from an unbound header (the bench's peers); the operation check skips them.
  const unbound = new WeakSet<VerifiedCallerContext>();
  const accepted = new Map<string, AcceptedHeader>();

  const memoKeyOf = (token: string | undefined, req: IncomingMessage) => {
    const text = bodyTextOf(req);
    return token && text !== undefined && text.length <= MEMO_MAX_BODY_CHARS ? `${token}\n${text}` : undefined;
  };
  const remember = (key: string | undefined, verified: VerifiedCallerContext, isUnbound: boolean) => {
    if (key === undefined) return;
    // Oldest first out: a Map iterates in insertion order.
    if (accepted.size >= MEMO_ENTRIES) accepted.delete(accepted.keys().next().value!);
    accepted.set(key, { verified, unbound: isUnbound });
  };
  /** A fresh context per request (its checked operation is this request's parsed body), from an accepted header not yet expired. */
  const acceptedAgain = (key: string | undefined, req: IncomingMessage): VerifiedCallerContext | undefined => {
    const hit = key === undefined ? undefined : accepted.get(key);
    if (!hit) return undefined;
    if (hit.verified.expiresAt <= Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS) {
      accepted.delete(key!);
      return undefined;
    }
    const verified = { ...hit.verified };
    if (hit.unbound) unbound.add(verified);
    else {
      const operation = receivedOperation(req);
      if (operation) checkedOperations.set(verified, operation);
    }
    return verified;
  };
  // The operation each header was found signed for when its context was built, as the very
  // strings and variables object of the parsed body: Apollo resolves the same ones unless a
  // persisted query or another route supplied the text, and only then is the digest taken again.
  const checkedOperations = new WeakMap<VerifiedCallerContext, SignedOperation>();
  const isCheckedOperation = (checked: SignedOperation | undefined, operation: SignedOperation) =>
    checked !== undefined &&
    checked.query === operation.query &&
    checked.variables === operation.variables &&
    (checked.operationName ?? null) === (operation.operationName ?? null);

  return {
    /**
     * `acceptUnbound`: also accept a long-lived header bound to no operation (see
     * `signUnboundCallerContext`); only a subgraph started with BENCH_UNBOUND_CALLER_HEADERS does.
     */
    async verify(req: IncomingMessage, { acceptUnbound = false }: { acceptUnbound?: boolean } = {}): Promise<VerifiedCallerContext> {
      const token = headerValue(req, CALLER_CONTEXT_HEADER);
      const memoKey = memoKeyOf(token, req);
      const again = acceptedAgain(memoKey, req);
      if (again) return again;
      try {
        if (acceptUnbound && token && claimsUnboundAudience(token)) {
          const verified: VerifiedCallerContext = { ...(await verifyUnboundCallerContext(options.signingSecret, token)), operationDigest: '' };
          unbound.add(verified);
          remember(memoKey, { ...verified }, true);
          return verified;
        }
        const verified = await verifyCallerContext(options.signingSecret, token);
        const operation = receivedOperation(req);
        // Requests without operation text are refused by Apollo, or checked below once it is resolved.
        if (operation) {
          assertSignedForOperation(verified, operation);
          checkedOperations.set(verified, operation);
        }
        remember(memoKey, { ...verified }, false);
        return verified;
      } catch (error) {
        if (error instanceof InvalidCallerContextError) {
          explain(error, token, req);
          throw unauthenticated(error.message);
        }
        throw error;
      }
    },

    /** Ties a context to the header it was built from, for the operation check below. */
    remember(context: TContext, verified: VerifiedCallerContext): TContext {
      Object.defineProperty(context, VERIFIED, { value: verified, enumerable: true });
      return context;
    },

    plugin: {
      async requestDidStart() {
        return {
          // Errors thrown earlier in Apollo's pipeline (didResolveSource) surface as a 500.
          async didResolveOperation({ contextValue, source, request }) {
            const verified = (contextValue as { [VERIFIED]?: VerifiedCallerContext })[VERIFIED];
            if (!verified) throw unauthenticated('Missing gateway signature');
            if (unbound.has(verified)) return;
            const resolved = { query: source, variables: request.variables, operationName: request.operationName };
            if (isCheckedOperation(checkedOperations.get(verified), resolved)) return;
            try {
              assertSignedForOperation(verified, resolved);
            } catch (error) {
              throw unauthenticated(error instanceof Error ? error.message : 'Invalid gateway signature');
            }
          },
        };
      },
    } satisfies ApolloServerPlugin<TContext>,
  };
}

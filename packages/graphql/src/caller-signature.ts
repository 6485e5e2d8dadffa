import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  assertSignedForOperation,
  CALLER_CONTEXT_HEADER,
  InvalidCallerContextError,
  unverifiedIssuer,
  verifyCallerContext,
  type InvalidCallerContextReason,
  type VerifiedCallerContext,
} from '@omni/auth';
import { unauthenticated } from './errors';

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

/** The operation text of a parsed request: a JSON POST body, or the `query` parameter of a GET. */
function receivedQuery(req: IncomingMessage & { body?: unknown; query?: unknown }): unknown {
  if (req.method === 'GET') return (req.query as Record<string, unknown> | undefined)?.query;
  return typeof req.body === 'object' && req.body !== null ? (req.body as { query?: unknown }).query : undefined;
}

// A property rather than a WeakMap: Apollo hands plugins a shallow copy of the context object.
const VERIFIED = Symbol('verified caller context');

/**
 * Checks the signed caller header of a subgraph request: the signature and the operation text
 * it was issued for when the context is built, so a captured header cannot carry a different
 * operation; and once more against the text Apollo actually resolved (persisted queries and any
 * other route to a document included) before anything executes.
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

  return {
    async verify(req: IncomingMessage): Promise<VerifiedCallerContext> {
      const token = headerValue(req, CALLER_CONTEXT_HEADER);
      try {
        const verified = await verifyCallerContext(options.signingSecret, token);
        const query = receivedQuery(req);
        // Requests without operation text are refused by Apollo, or checked below once it is resolved.
        if (typeof query === 'string') assertSignedForOperation(verified, query);
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
          async didResolveOperation({ contextValue, source }) {
            const verified = (contextValue as { [VERIFIED]?: VerifiedCallerContext })[VERIFIED];
            if (!verified) throw unauthenticated('Missing gateway signature');
            try {
              assertSignedForOperation(verified, source);
            } catch (error) {
              throw unauthenticated(error instanceof Error ? error.message : 'Invalid gateway signature');
            }
          },
        };
      },
    } satisfies ApolloServerPlugin<TContext>,
  };
}

import type { IncomingMessage } from 'node:http';
import type { Caller } from '@omni/auth';
import type { BaseContext } from '@apollo/server';
import { sendGraphQLRequestError, type GraphQLHttpOptions } from '@omni/graphql';
import { clientKindOf, type ClientKind } from '../rate-limits/client-kinds';
import { operationId, type PersistedOperations } from './manifest';

type RequestHandler = NonNullable<GraphQLHttpOptions<BaseContext>['guards']>[number];

function persistedQueryHash(extensions: unknown): string | undefined {
  let value = extensions;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const hash = (value as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/**
 * Safelisting: the client kinds named (say POS tills and partner keys, whose operations ship with
 * their apps) may run only operations in the manifest, sent by hash or as the exact registered
 * text. Anything else is refused before Apollo parses it. Other clients are not affected.
 */
export function safelistGuard(options: {
  operations: PersistedOperations;
  safelistedKinds: ReadonlySet<ClientKind>;
  callerOf: (req: IncomingMessage) => Promise<Caller>;
}): RequestHandler {
  return async (req, res, next) => {
    if (options.safelistedKinds.size === 0) return next();
    let caller: Caller;
    try {
      caller = await options.callerOf(req);
    } catch {
      // A bad token is refused with UNAUTHENTICATED by the context, as for every request.
      return next();
    }
    if (!options.safelistedKinds.has(clientKindOf(caller))) return next();
    const params: { query?: unknown; extensions?: unknown } =
      req.method === 'GET' ? (req.query as Record<string, unknown>) : typeof req.body === 'object' && req.body !== null ? req.body : {};
    const hash = persistedQueryHash(params.extensions);
    const registered = typeof params.query === 'string' ? options.operations.has(operationId(params.query)) : hash !== undefined && options.operations.has(hash);
    if (registered) return next();
    sendGraphQLRequestError(req, res, {
      errors: [
        {
          message: 'This client may only run registered operations: send the persisted operation\'s hash as extensions.persistedQuery.sha256Hash, or its registered text',
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
  };
}

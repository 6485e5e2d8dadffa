import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { parse } from 'graphql';
import { sendGraphQLRequestError } from '../graphql-over-http';
import type { CostExtension } from './operation-limits-plugin';
import { documentViolations, type CheckedLimits } from './operation-report';

/** Documents already found within the limits, by hash; far more than a client base's operations. */
const KNOWN_GOOD_CAPACITY = 2_000;

/**
 * Refuses, at the HTTP layer, a document whose aliases, directives or repeated fields exceed the
 * limits, before Apollo Server validates it: graphql-js's validation compares same-named fields
 * pairwise, so a thousand of them cost hundreds of milliseconds of CPU before any plugin could
 * measure the operation, and an error thrown from Apollo's validation hook becomes a 500.
 * Unparsable documents pass through for Apollo to report as usual; documents found fine are
 * remembered, so a client's repeated operations are parsed here once.
 */
export function documentLimitsGuard(options: { limits: CheckedLimits; maxTokens: number }): RequestHandler {
  const knownGood = new Set<string>();
  const maximumAvailable = options.limits.maxCost ?? null;
  return (req, res, next) => {
    const body: unknown = req.body;
    const query = req.method === 'GET' ? req.query.query : typeof body === 'object' && body !== null ? (body as { query?: unknown }).query : undefined;
    if (typeof query !== 'string') return next();
    const hash = createHash('sha256').update(query).digest('base64url');
    if (knownGood.has(hash)) return next();
    let violations: string[];
    try {
      violations = documentViolations(parse(query, { maxTokens: options.maxTokens, noLocation: true }), options.limits);
    } catch {
      return next();
    }
    if (violations.length === 0) {
      if (knownGood.size >= KNOWN_GOOD_CAPACITY) knownGood.clear();
      knownGood.add(hash);
      return next();
    }
    // Not measured: a document refused before validation may name fields the schema lacks.
    const cost: CostExtension = { requestedQueryCost: null, maximumAvailable };
    sendGraphQLRequestError(req, res, { errors: [{ message: violations.join(' '), extensions: { code: 'BAD_USER_INPUT', cost } }], extensions: { cost } });
  };
}

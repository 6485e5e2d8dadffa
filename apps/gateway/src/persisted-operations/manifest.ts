import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getOperationAST, parse, print } from 'graphql';
import { z } from 'zod';

/** The committed safelist, built from examples/*.graphql by `npm run persisted-operations`. */
export const MANIFEST_FILE = fileURLToPath(new URL('../../persisted-operations.json', import.meta.url));

/** Apollo's persisted query manifest, the format its client tooling and router read. */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the body, in hex'),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export type PersistedQueryManifest = z.infer<typeof manifestSchema>;
export type PersistedOperation = PersistedQueryManifest['operations'][number];

/** The registered operations by id, the hash clients send as `extensions.persistedQuery.sha256Hash`. */
export type PersistedOperations = ReadonlyMap<string, PersistedOperation>;

/** The hash Apollo's protocol names an operation by: SHA-256 of its exact text, in hex. */
export const operationId = (body: string): string => createHash('sha256').update(body).digest('hex');

export function readManifest(file: string = MANIFEST_FILE): PersistedOperations {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not an Apollo persisted query manifest: ${parsed.error.issues[0]?.message}`);
  const operations = new Map<string, PersistedOperation>();
  for (const operation of parsed.data.operations) {
    // Refused at start, so a hand-edited entry cannot register one text under another's id.
    if (operationId(operation.body) !== operation.id) throw new Error(`${file}: the id of ${operation.name} is not the SHA-256 of its body`);
    operations.set(operation.id, operation);
  }
  return operations;
}

/**
 * One entry per named operation: its text as graphql-js prints it (comments dropped), which is
 * exactly what a client registered for it sends, and the SHA-256 of that text as its id.
 */
export function buildManifest(sources: readonly { file: string; text: string }[]): PersistedQueryManifest {
  const operations = sources.map(({ file, text }) => {
    const document = parse(text, { noLocation: true });
    const operation = getOperationAST(document);
    if (!operation?.name) throw new Error(`${file} must hold exactly one named operation`);
    const body = print(document);
    return { id: operationId(body), name: operation.name.value, type: operation.operation, body };
  });
  operations.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

import { z } from 'zod';
import { parseEnv } from '@omni/config';

const peerEnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535),
  HOST: z.string().default('127.0.0.1'),
  /** The supergraph SDL with the URLs of the bench's subgraph processes. */
  PEER_SUPERGRAPH_FILE: z.string().min(1),
  /** Hive Gateway only: `off` turns its deduplication of identical in-flight subgraph fetches off. */
  PEER_DEDUPLICATION: z.enum(['default', 'off']).default('default'),
});

/** Where a peer gateway of `npm run bench -- --compare` listens and what it serves, read once. */
export function loadPeerEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(peerEnvSchema, source);
  return { port: env.PORT, host: env.HOST, supergraphFile: env.PEER_SUPERGRAPH_FILE, deduplication: env.PEER_DEDUPLICATION };
}

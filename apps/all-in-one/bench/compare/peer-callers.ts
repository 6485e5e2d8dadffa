import { callerFromClaims, signUnboundCallerContext, verifyAccessToken, type Caller } from '@omni/auth';

/** One caller of the bench as each gateway is told who it is. */
export interface BenchCaller {
  /** Sent to our gateway: `Authorization: Bearer <token>`. */
  token: string;
  /** Sent to the peers as the caller header, which they forward to every subgraph fetch unchanged. */
  callerHeader: string;
}

/**
 * The caller our gateway resolves from an access token (`callerFromRequest`: the token's claims and
 * the loopback address the bench connects from), signed once as a long-lived unbound header for
 * the peers. A peer cannot sign each subgraph fetch for its operation text and variables as ours
 * does, so the subgraphs of the bench accept this header (BENCH_UNBOUND_CALLER_HEADERS=true); the
 * subgraphs then see the same caller whichever gateway the request came through.
 */
export async function benchCaller(token: string, tokenSecret: string, signingSecret: string): Promise<BenchCaller> {
  const caller: Caller = { ...callerFromClaims(await verifyAccessToken(tokenSecret, token)), clientAddress: '127.0.0.1' };
  return { token, callerHeader: await signUnboundCallerContext(signingSecret, caller) };
}

import { CALLER_CONTEXT_HEADER } from '@omni/auth';
import type { GatewayName } from './compare-target';
import type { BenchCaller } from './peer-callers';

/**
 * How a caller is presented to each gateway: to ours (either instance) its access token, as any client would; to a
 * peer the pre-signed caller header, which the peer forwards to the subgraphs unchanged.
 */
export function callerHeaders(gateway: GatewayName, caller: BenchCaller): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(gateway === 'ours' || gateway === 'ours-edge-off' ? { authorization: `Bearer ${caller.token}` } : { [CALLER_CONTEXT_HEADER]: caller.callerHeader }),
  };
}

export interface GraphQLAnswer<TData = Record<string, unknown>> {
  status: number;
  data?: TData;
  errors?: unknown[];
}

/** One GraphQL request through one gateway as one caller. */
export async function sendThrough<TData = Record<string, unknown>>(
  gateway: GatewayName,
  url: string,
  caller: BenchCaller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer<TData>> {
  const response = await fetch(url, { method: 'POST', headers: callerHeaders(gateway, caller), body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { data?: TData; errors?: unknown[] };
    return { status: response.status, ...body };
  } catch {
    return { status: response.status, errors: [text.slice(0, 300)] };
  }
}

/** The data of a request that must succeed; throws with the errors otherwise. */
export async function dataThrough<TData>(gateway: GatewayName, url: string, caller: BenchCaller, query: string, variables: Record<string, unknown> = {}): Promise<TData> {
  const answer = await sendThrough<TData>(gateway, url, caller, query, variables);
  if (answer.errors?.length || !answer.data) throw new Error(`${gateway}: request failed (${answer.status}): ${JSON.stringify(answer.errors).slice(0, 500)}`);
  return answer.data;
}

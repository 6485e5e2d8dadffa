import { CALLER_CONTEXT_HEADER, signCallerContext, type Caller } from '@omni/auth';

export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

async function post<TData>(url: string, headers: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: response.status, ...body };
}

/** A client of the gateway, optionally with a bearer token. */
export function gatewayClient(url: string, token?: string) {
  return <TData = Record<string, any>>(query: string, variables?: Record<string, unknown>) =>
    post<TData>(url, token ? { authorization: `Bearer ${token}` } : {}, query, variables) as Promise<GraphQLResponse<TData>>;
}

/**
 * Talks to one subgraph directly, signed for each operation and its variables as the gateway would sign for
 * `caller`, or as the service itself when `caller` is a service.
 */
export function signedSubgraphClient(url: string, signingSecret: string, caller: Caller, issuer = caller.kind === 'service' && caller.service ? caller.service : 'gateway') {
  return async <TData = Record<string, any>>(query: string, variables?: Record<string, unknown>) =>
    post<TData>(url, { [CALLER_CONTEXT_HEADER]: await signCallerContext(signingSecret, { caller, query, variables, issuer }) }, query, variables) as Promise<GraphQLResponse<TData>>;
}

/** Throws with the errors printed when a response has any; keeps happy-path tests short. */
export function expectData<TData>(response: GraphQLResponse<TData>): TData {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors ?? response)}`);
  }
  return response.data;
}

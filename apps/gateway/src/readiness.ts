import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { anonymousCaller, CALLER_CONTEXT_HEADER, signCallerContext } from '@omni/auth';
import type { ReadinessChecks } from '@omni/graphql';

const PROBE = 'query ReadinessProbe { __typename }';

/** Each subgraph the supergraph plans over (`join__Graph`), at the URL the gateway really calls. */
export function subgraphsOf(supergraphSdl: string, urlOverrides: Partial<Record<string, string>>): { name: string; url: string }[] {
  const graphs = parse(supergraphSdl).definitions.find(
    (definition): definition is EnumTypeDefinitionNode => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph',
  );
  return (graphs?.values ?? []).flatMap((value) => {
    const directive = value.directives?.find((candidate) => candidate.name.value === 'join__graph');
    const argument = (name: string) => {
      const found = directive?.arguments?.find((candidate) => candidate.name.value === name)?.value;
      return found?.kind === Kind.STRING ? found.value : undefined;
    };
    const name = argument('name');
    const url = name ? (urlOverrides[name] ?? argument('url')) : undefined;
    return name && url ? [{ name, url }] : [];
  });
}

/**
 * The gateway is ready when every subgraph is: its own `/ready` passes (its database answers) and
 * it accepts a probe signed with the gateway's secret. The signed probe is what tells an operator
 * that the gateway and a subgraph were given different secrets, which clients would otherwise
 * only see as UNAUTHENTICATED on every request.
 */
export function subgraphReadiness(subgraphs: readonly { name: string; url: string }[], signingSecret: string, timeoutMs = 2_000): ReadinessChecks {
  return Object.fromEntries(
    subgraphs.map(({ name, url }) => {
      const check = async () => {
        const ready = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(timeoutMs) });
        if (!ready.ok) throw new Error(`${name} /ready answered ${ready.status}`);
        // Signed the way every client request is: as an anonymous caller, for this very operation.
        const header = await signCallerContext(signingSecret, { caller: anonymousCaller(), query: PROBE, variables: {} });
        const probe = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: header },
          body: JSON.stringify({ query: PROBE, variables: {} }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await probe.json().catch(() => ({}))) as { data?: unknown; errors?: { message?: string; extensions?: { code?: string } }[] };
        if (!body.data) {
          const error = body.errors?.[0];
          const hint = error?.extensions?.code === 'UNAUTHENTICATED' ? ' (do the gateway and the subgraph share GATEWAY_SIGNING_SECRET?)' : '';
          throw new Error(`${name} refused a signed probe with ${probe.status} ${error?.extensions?.code ?? ''}: ${error?.message ?? 'no data'}${hint}`);
        }
      };
      return [name, check];
    }),
  );
}

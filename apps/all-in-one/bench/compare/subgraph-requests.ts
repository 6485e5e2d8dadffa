/**
 * Requests each subgraph has answered so far, summed from its own Prometheus counter
 * (`graphql_requests_total` at `GET /metrics`): counted where they arrive, so fetches a gateway
 * deduplicated or cached never show up, whichever gateway sent them.
 */
export async function subgraphRequestsSoFar(subgraphUrls: Record<string, string>): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      const response = await fetch(new URL('metrics', url));
      if (!response.ok) throw new Error(`${name} /metrics answered ${response.status}: the comparison counts subgraph fetches there (is METRICS_TOKEN set?)`);
      return [name, sumOf(await response.text(), 'graphql_requests_total')] as const;
    }),
  );
  return Object.fromEntries(entries);
}

function sumOf(exposition: string, metric: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return total;
}

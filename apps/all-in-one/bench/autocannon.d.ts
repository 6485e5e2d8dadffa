/**
 * The part of autocannon's API the bench uses; the package ships no type declarations, and
 * without these the bench would fall outside the workspace's type check.
 */
declare module 'autocannon' {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
  }

  export interface Options {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    /** Called once per connection, e.g. to give each its own headers (a caller per connection). */
    setupClient?: (client: Client) => void;
  }

  export interface Client {
    /** Replaces every header of the connection's requests. */
    setHeaders(headers: Record<string, string>): void;
  }

  export interface Result {
    /** `total`: requests answered over the whole run; `sent`: requests sent, those still in flight at the end included. */
    requests: Histogram & { total: number; sent: number };
    latency: Histogram;
    errors: number;
    non2xx: number;
    /** Seconds the run took. */
    duration: number;
  }

  export default function autocannon(options: Options): Promise<Result>;
}

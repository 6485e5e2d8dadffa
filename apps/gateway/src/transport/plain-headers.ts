import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';

type FetcherHeaders = NonNullable<GraphQLDataSourceProcessOptions['request']['http']>['headers'];

/**
 * The headers of one subgraph fetch, as Apollo's data source API hands them around: a map with
 * lower-case names. The library's default (node-fetch `Headers`) validates and normalises every
 * name and value on every call, work a fetch built by the gateway itself does not need.
 */
export class PlainHeaders implements FetcherHeaders {
  private readonly values_ = new Map<string, string>();

  constructor(initial?: Iterable<[string, string]>) {
    if (initial) for (const [name, value] of initial) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.values_.get(key);
    this.values_.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }

  delete(name: string): void {
    this.values_.delete(name.toLowerCase());
  }

  get(name: string): string | null {
    return this.values_.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values_.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.values_.set(name.toLowerCase(), value);
  }

  entries(): IterableIterator<[string, string]> {
    return this.values_.entries();
  }

  keys(): IterableIterator<string> {
    return this.values_.keys();
  }

  values(): IterableIterator<string> {
    return this.values_.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.values_.entries();
  }

  /** For the request: one plain object, no copy per header. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.values_);
  }
}

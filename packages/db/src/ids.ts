import { createHash, randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

/** Random bytes drawn from the system at once: one draw serves about 250 ids. */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * A uniform number in [0, 1) from the operating system's generator, as the ULID factory asks for
 * one per character. Its default asks the system for one byte per character (16 calls and buffers
 * per id, a few per cent of a write request's CPU); this draws them from a pool refilled when used
 * up. A byte over 256 maps onto the 32 ULID characters evenly.
 */
export function pooledRandom(): number {
  if (poolOffset >= randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    poolOffset = 0;
  }
  return randomPool[poolOffset++]! / 256;
}

/**
 * Public ids are opaque strings with a type prefix (`prod_…`, `cart_…`). The body is a ULID, so
 * ids sort by creation time and keyset pagination on id follows insertion order. The monotonic
 * factory keeps that true for ids made within the same millisecond in this process.
 */
const nextUlid = monotonicFactory(pooledRandom);

export function newId(prefix: string): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Deterministic ids for demo data: the same key always gives the same id, so every subgraph's
 * seed can point at another subgraph's records without reading its tables. They share the ULID
 * shape (26 Crockford characters) and sort by `ordinal`, which keeps seeded lists in a stable order.
 */
export function demoId(prefix: string, key: string, ordinal = 0): string {
  const time = ordinal.toString(32).padStart(10, '0');
  const digest = createHash('sha256').update(`${prefix}:${key}`).digest();
  let random = '';
  for (let i = 0; i < 16; i += 1) random += CROCKFORD[digest[i]! % 32];
  return `${prefix}_${time}${random}`;
}

// One pattern per prefix: a listing checks an id for every variant on the page.
const idPatterns = new Map<string, RegExp>();

/** True when a value looks like an id of the given type; lets services reject junk before SQL. */
export function isIdOf(prefix: string, value: string): boolean {
  let pattern = idPatterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`^${prefix}_[0-9a-z]{26}$`);
    idPatterns.set(prefix, pattern);
  }
  return pattern.test(value);
}

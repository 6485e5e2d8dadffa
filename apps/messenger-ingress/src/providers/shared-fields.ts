import { z } from 'zod';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text a sender typed, refused here when the support subgraph would refuse it anyway: a NUL
 * (Postgres cannot store one) or broken Unicode. Support answers those with a request error, which
 * would reach the provider as a 503 and be delivered again for days; a 400 ends it at once.
 */
export function senderText(max: number) {
  return z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000') && !LONE_SURROGATE.test(value), 'must not contain NUL characters or broken Unicode');
}

/** Latest second a JavaScript date can show (9999-12-31T23:59:59Z); later ones have no ISO form. */
const LAST_SECOND = 253_402_300_799;

/** Unix seconds as providers send them: a positive integer within the dates JavaScript can show. */
export const unixSeconds = z.number().int().positive().max(LAST_SECOND);

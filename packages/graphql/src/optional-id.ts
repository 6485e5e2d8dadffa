/**
 * An optional id argument falls back to a default (the caller, or every customer) only when it is
 * omitted or null. An empty or blank string is a client bug; reading it as "omitted" would quietly
 * act on someone, or everyone, else.
 */
export function isBlankId(id: string | null | undefined): id is string {
  return typeof id === 'string' && id.trim() === '';
}

import type { z } from 'zod';

/**
 * A 400's reason: where the payload breaks the format and how, never the offending value
 * (it could be anything a sender typed).
 */
export function payloadReason(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The payload does not follow the format';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Parses a raw body as JSON; undefined when it is not JSON at all. */
export function parseJsonBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

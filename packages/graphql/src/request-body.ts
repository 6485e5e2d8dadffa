import type { IncomingMessage } from 'node:http';

const BODY_TEXT = Symbol('request body text');
type WithBodyText = IncomingMessage & { [BODY_TEXT]?: string };

/** Keeps the exact text a JSON body was parsed from, for checks whose outcome depends only on it. */
export function rememberBodyText(req: IncomingMessage, text: string): void {
  (req as WithBodyText)[BODY_TEXT] = text;
}

/** The text the request's body was parsed from; undefined when the request was parsed elsewhere (GET, express). */
export function bodyTextOf(req: IncomingMessage): string | undefined {
  return (req as WithBodyText)[BODY_TEXT];
}

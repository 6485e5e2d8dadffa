import type { IncomingMessage } from 'node:http';
import {
  anonymousCaller,
  callerFromClaims,
  isChannel,
  InvalidAccessTokenError,
  verifyAccessToken,
  type Caller,
} from '@omni/auth';
import { unauthenticated } from '@omni/graphql';

/** Anonymous shoppers may say which channel they browse in; it grants nothing. */
export const CHANNEL_HEADER = 'x-omni-channel';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Resolves who is calling. No token → anonymous; a bad or expired token is refused outright
 * rather than silently downgraded, so clients notice they need to sign in again.
 */
export async function callerFromRequest(req: IncomingMessage, tokenSecret: string): Promise<Caller> {
  const caller = await callerFromHeaders(req, tokenSecret);
  const clientAddress = req.socket.remoteAddress;
  return clientAddress ? { ...caller, clientAddress } : caller;
}

async function callerFromHeaders(req: IncomingMessage, tokenSecret: string): Promise<Caller> {
  const authorization = header(req, 'authorization');
  if (!authorization) {
    const channel = header(req, CHANNEL_HEADER);
    return anonymousCaller(isChannel(channel) ? channel : 'WEB');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  try {
    return callerFromClaims(await verifyAccessToken(tokenSecret, match[1]!));
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import {
  anonymousCaller,
  callerFromClaims,
  createAccessTokenVerifier,
  isChannel,
  InvalidAccessTokenError,
  type AccessTokenVerifier,
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
export async function callerFromRequest(req: IncomingMessage, verifyToken: AccessTokenVerifier, trustedProxyHops = 0): Promise<Caller> {
  const caller = await callerFromHeaders(req, verifyToken);
  const clientAddress = clientAddressOf(req, trustedProxyHops);
  return clientAddress ? { ...caller, clientAddress } : caller;
}

/**
 * The caller of each request, resolved once however many steps ask (the safelist before Apollo,
 * then the context), and forgotten with the request. Tokens that verified are remembered until
 * they expire, so a client's next request with the same token skips the signature check.
 */
export function callerResolver(tokenSecret: string, trustedProxyHops = 0): (req: IncomingMessage) => Promise<Caller> {
  const callers = new WeakMap<IncomingMessage, Promise<Caller>>();
  const verifyToken = createAccessTokenVerifier(tokenSecret);
  return (req) => {
    let caller = callers.get(req);
    if (!caller) {
      caller = callerFromRequest(req, verifyToken, trustedProxyHops);
      callers.set(req, caller);
    }
    return caller;
  };
}

/**
 * The address the request came from: the socket's, or, behind `trustedProxyHops` proxies (load
 * balancers) that each append the address they saw to X-Forwarded-For, the one the outermost of
 * them saw. Entries further left are the client's own say and are ignored, since anyone can send them.
 */
export function clientAddressOf(req: IncomingMessage, trustedProxyHops: number): string | undefined {
  if (trustedProxyHops === 0 || !req.socket.remoteAddress) return req.socket.remoteAddress;
  return proxyAddr(req, (_address, hop) => hop < trustedProxyHops).slice(0, 64);
}

async function callerFromHeaders(req: IncomingMessage, verifyToken: AccessTokenVerifier): Promise<Caller> {
  const authorization = header(req, 'authorization');
  if (!authorization) {
    const channel = header(req, CHANNEL_HEADER);
    return anonymousCaller(isChannel(channel) ? channel : 'WEB');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  try {
    return callerFromClaims(await verifyToken(match[1]!));
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

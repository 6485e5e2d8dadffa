import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import {
  anonymousCaller,
  callerFromClaims,
  createAccessTokenVerifier,
  isChannel,
  InvalidAccessTokenError,
  type AccessTokenClaims,
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
export async function callerFromRequest(req: IncomingMessage, verifyToken: AccessTokenVerifier, trustedProxyHops = 0, callers = new KnownCallers()): Promise<Caller> {
  const clientAddress = clientAddressOf(req, trustedProxyHops) ?? '';
  const authorization = header(req, 'authorization');
  if (!authorization) {
    const channel = header(req, CHANNEL_HEADER);
    return callers.anonymous(isChannel(channel) ? channel : 'WEB', clientAddress);
  }
  return callers.signedIn(await claimsOf(authorization, verifyToken), clientAddress);
}

/** Callers told apart this way at most before the table starts afresh; far more than any client base's channels and addresses. */
const MAX_ANONYMOUS_CALLERS = 10_000;
/** Addresses one token is remembered from at most (a phone moving between networks has a few). */
const MAX_ADDRESSES_PER_TOKEN = 8;

/**
 * The same caller object for every request of the same token (or, anonymously, channel) from the
 * same address, frozen: what is derived from a caller once (its signed form, its shared-fetch and
 * cache keys, its budget) is then derived once per client rather than once per request. A token
 * is still checked on every request: its claims object is the verifier's, the same only while the
 * token is valid and remembered.
 */
export class KnownCallers {
  private readonly anonymousCallers = new Map<string, Caller>();
  private readonly byClaims = new WeakMap<AccessTokenClaims, Map<string, Caller>>();

  anonymous(channel: Caller['channel'], clientAddress: string): Caller {
    const key = `${channel}\n${clientAddress}`;
    let caller = this.anonymousCallers.get(key);
    if (!caller) {
      if (this.anonymousCallers.size >= MAX_ANONYMOUS_CALLERS) this.anonymousCallers.clear();
      this.anonymousCallers.set(key, (caller = frozen(withAddress(anonymousCaller(channel), clientAddress))));
    }
    return caller;
  }

  signedIn(claims: AccessTokenClaims, clientAddress: string): Caller {
    let byAddress = this.byClaims.get(claims);
    if (!byAddress) this.byClaims.set(claims, (byAddress = new Map()));
    let caller = byAddress.get(clientAddress);
    if (!caller) {
      if (byAddress.size >= MAX_ADDRESSES_PER_TOKEN) byAddress.clear();
      byAddress.set(clientAddress, (caller = frozen(withAddress(callerFromClaims(claims), clientAddress))));
    }
    return caller;
  }
}

const withAddress = (caller: Caller, clientAddress: string): Caller => (clientAddress ? { ...caller, clientAddress } : caller);

/** Shared by the requests of one client, so nothing may change it on the way. */
function frozen(caller: Caller): Caller {
  Object.freeze(caller.scopes);
  return Object.freeze(caller);
}

/**
 * The caller of each request, resolved once however many steps ask (the safelist before Apollo,
 * then the context), and forgotten with the request. Tokens that verified are remembered until
 * they expire, so a client's next request with the same token skips the signature check.
 */
export function callerResolver(tokenSecret: string, trustedProxyHops = 0): (req: IncomingMessage) => Promise<Caller> {
  const callers = new WeakMap<IncomingMessage, Promise<Caller>>();
  const verifyToken = createAccessTokenVerifier(tokenSecret);
  const known = new KnownCallers();
  return (req) => {
    let caller = callers.get(req);
    if (!caller) {
      caller = callerFromRequest(req, verifyToken, trustedProxyHops, known);
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

async function claimsOf(authorization: string, verifyToken: AccessTokenVerifier): Promise<AccessTokenClaims> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  try {
    return await verifyToken(match[1]!);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

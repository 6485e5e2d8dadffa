import type { Caller } from '@omni/auth';
import ipaddr from 'ipaddr.js';

/**
 * Who a budget and the safelist are configured for: the caller kinds, with staff at a POS till
 * apart from other staff (a till scans all day; a support agent reads a few customers).
 */
export const CLIENT_KINDS = ['anonymous', 'guest', 'customer', 'staff', 'staff-pos', 'partner', 'admin'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export function clientKindOf(caller: Caller): ClientKind {
  if (caller.kind === 'staff') return caller.channel === 'POS' ? 'staff-pos' : 'staff';
  // Service callers never come through the gateway; counted like anyone without a token if they did.
  return caller.kind === 'service' ? 'anonymous' : caller.kind;
}

/**
 * Whose budget an operation is charged to: the token's subject (the partner key for partners),
 * else the client's network. Anonymous callers behind one address share a budget, which is why
 * the gateway must be told about the proxies in front of it (TRUSTED_PROXY_HOPS).
 */
export function bucketSubject(caller: Caller): string {
  switch (caller.kind) {
    case 'customer':
      if (caller.customerId) return `customer:${caller.customerId}`;
      break;
    case 'guest':
      if (caller.guestId) return `guest:${caller.guestId}`;
      break;
    case 'staff':
    case 'admin':
      if (caller.staffId) return `${caller.kind}:${caller.staffId}`;
      break;
    case 'partner':
      if (caller.partnerId) return `partner:${caller.partnerId}`;
      break;
  }
  return caller.clientAddress ? `address:${clientNetwork(caller.clientAddress)}` : 'address:unknown';
}

/**
 * An IPv4 address as it is; an IPv6 client by its /64, which one subscriber usually holds whole:
 * counting single addresses would give each of them billions of budgets.
 */
export function clientNetwork(address: string): string {
  const withoutZone = address.split('%')[0]!;
  if (!ipaddr.isValid(withoutZone)) return withoutZone.slice(0, 64);
  const parsed = ipaddr.process(withoutZone);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`).toString()}/64`;
}

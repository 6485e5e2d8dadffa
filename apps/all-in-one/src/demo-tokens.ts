import { CHANNELS, mintAccessToken, type Channel } from '@omni/auth';
import { DEMO_CUSTOMERS, DEMO_STAFF } from '@omni/demo-data';

export const DEMO_TOKEN_ROLES = ['customer', 'guest', 'staff', 'partner', 'admin'] as const;
export type DemoTokenRole = (typeof DEMO_TOKEN_ROLES)[number];

export class DemoTokenError extends Error {
  override name = 'DemoTokenError';
}

const DEFAULT_CHANNEL: Record<DemoTokenRole, Channel> = {
  customer: 'WEB',
  guest: 'WEB',
  staff: 'POS',
  partner: 'MARKETPLACE',
  admin: 'WEB',
};

/**
 * Tokens for the seeded demo people: `customer anna`, `staff berlin-cashier` (the token carries the
 * staff member's role, which decides their permissions), `partner acme`,
 * `guest`, `admin`. The key picks the person by their demo key; the channel is optional.
 */
export async function mintDemoToken(
  secret: string,
  role: DemoTokenRole,
  key?: string,
  channel: Channel = DEFAULT_CHANNEL[role],
  expiresIn = '30d',
): Promise<string> {
  if (!(CHANNELS as readonly string[]).includes(channel)) throw new DemoTokenError(`Unknown channel ${channel}`);
  switch (role) {
    case 'customer': {
      const customer = DEMO_CUSTOMERS.find((candidate) => candidate.key === (key ?? 'anna'));
      if (!customer) throw new DemoTokenError(`Unknown demo customer "${key}"; one of: ${DEMO_CUSTOMERS.map((c) => c.key).join(', ')}`);
      return mintAccessToken(secret, { role, sub: customer.id, channel }, { expiresIn });
    }
    case 'staff': {
      const staff = DEMO_STAFF.find((candidate) => candidate.key === (key ?? 'berlin-cashier'));
      if (!staff) throw new DemoTokenError(`Unknown demo staff member "${key}"; one of: ${DEMO_STAFF.map((s) => s.key).join(', ')}`);
      const staffChannel = staff.role === 'SUPPORT_AGENT' && channel === 'POS' ? 'CALL_CENTER' : channel;
      return mintAccessToken(secret, { role, sub: staff.id, channel: staffChannel, location: staff.homeLocationId, staffRole: staff.role }, { expiresIn });
    }
    case 'guest':
      return mintAccessToken(secret, { role, sub: `guest_${key ?? 'demo'}`, channel }, { expiresIn });
    case 'partner':
      return mintAccessToken(secret, { role, sub: `partner_${key ?? 'acme'}` }, { expiresIn });
    case 'admin':
      return mintAccessToken(secret, { role, sub: `admin_${key ?? 'demo'}`, channel }, { expiresIn });
  }
}

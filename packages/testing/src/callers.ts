import { SCOPES_BY_KIND, scopesFor, type Caller, type Channel, type StaffRole } from '@omni/auth';

/** Secret used by every test that starts a subgraph; never used outside tests. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEST_TOKEN_SECRET = 'test-token-secret-0123456789abcdef';

export const callers = {
  customer: (customerId: string, channel: Channel = 'WEB'): Caller => ({ kind: 'customer', channel, customerId, scopes: [...SCOPES_BY_KIND.customer] }),
  /** A staff member as the gateway would forward them; the role decides the scopes (a till by default). */
  staff: (staffId: string, locationId: string, channel: Channel = 'POS', staffRole: StaffRole = 'CASHIER'): Caller => ({
    kind: 'staff',
    channel,
    staffId,
    staffRole,
    locationId,
    scopes: scopesFor('staff', staffRole),
  }),
  admin: (): Caller => ({ kind: 'admin', channel: 'WEB', staffId: 'admin', scopes: [...SCOPES_BY_KIND.admin] }),
  partner: (partnerId = 'partner_test'): Caller => ({ kind: 'partner', channel: 'MARKETPLACE', partnerId, scopes: [...SCOPES_BY_KIND.partner] }),
  anonymous: (channel: Channel = 'WEB'): Caller => ({ kind: 'anonymous', channel, scopes: [...SCOPES_BY_KIND.anonymous] }),
  service: (service: string): Caller => ({ kind: 'service', channel: 'WEB', service, scopes: [...SCOPES_BY_KIND.service] }),
};

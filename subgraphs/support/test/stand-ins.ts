/**
 * The customer subgraph is not started in these tests: every customer id staff name counts as an
 * existing customer (and every staff id a staff member), except ids ending in `gone`. Checking ids against the real one is tested end
 * to end in apps/all-in-one.
 */
export const ANY_CUSTOMER_EXISTS = {
  customerUrl: 'http://127.0.0.1:9/',
  customers: { currentCustomerId: async (id: string) => (id.endsWith('gone') ? null : id) },
  identities: { identify: async (sender: { value: string }) => ({ ok: true as const, customerId: `cus_sender_${sender.value.replace(/\W/g, '')}` }) },
  staff: { exists: async (id: string) => !id.endsWith('gone') },
  offerCodes: { check: async (code: string) => ({ code, refusal: code.startsWith('NOPE') ? ('UNKNOWN' as const) : null }) },
};

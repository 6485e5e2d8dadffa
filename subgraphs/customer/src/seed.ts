import { DEMO_CUSTOMERS, DEMO_EPOCH, DEMO_STAFF } from '@omni/demo-data';
import { demoId } from '@omni/db';
import type { CustomerDb } from './db/database';
import { customers, identities, staffMembers } from './db/schema';

/** Loads the demo customers and staff; safe to run again (existing rows are left alone). */
export async function seedCustomerDemoData(db: CustomerDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(customers)
      .values(DEMO_CUSTOMERS.map((c) => ({ id: c.id, firstName: c.firstName, lastName: c.lastName, locale: c.locale, createdAt: DEMO_EPOCH, updatedAt: DEMO_EPOCH })))
      .onConflictDoNothing();
    await tx
      .insert(identities)
      .values(
        DEMO_CUSTOMERS.flatMap((c) =>
          c.identities.map((identity, index) => ({
            id: demoId('ident', `${c.key}-${index}`, index),
            customerId: c.id,
            kind: identity.kind,
            value: identity.value,
            channel: identity.channel,
            verified: identity.verified,
            createdAt: new Date(DEMO_EPOCH.getTime() + index * 60_000),
          })),
        ),
      )
      .onConflictDoNothing();
    await tx
      .insert(staffMembers)
      .values(DEMO_STAFF.map((s) => ({ id: s.id, name: s.name, role: s.role, homeLocationId: s.homeLocationId, createdAt: DEMO_EPOCH })))
      .onConflictDoNothing();
  });
}

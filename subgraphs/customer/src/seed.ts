import { DEMO_CUSTOMERS, DEMO_EPOCH, DEMO_STAFF } from '@omni/demo-data';
import { demoId } from '@omni/db';
import type { CustomerDb } from './db/database';
import { consentRecords, customers, identities, loyaltyAccounts, loyaltyEntries, staffMembers, timelineEntries } from './db/schema';

const minutes = (n: number) => new Date(DEMO_EPOCH.getTime() + n * 60_000);
/** Demo points last long enough that a demo never sees them expire. */
const DEMO_POINTS_EXPIRY = new Date(DEMO_EPOCH.getTime() + 5 * 365 * 24 * 60 * 60 * 1000);

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
            createdAt: minutes(index),
          })),
        ),
      )
      .onConflictDoNothing();
    await tx
      .insert(staffMembers)
      .values(DEMO_STAFF.map((s) => ({ id: s.id, name: s.name, role: s.role, homeLocationId: s.homeLocationId, createdAt: DEMO_EPOCH })))
      .onConflictDoNothing();

    const earning = DEMO_CUSTOMERS.filter((c) => c.loyalty?.length);
    if (earning.length) {
      // The account row is inserted only with its entries, so a second run cannot double the balance.
      const accounts = await tx
        .insert(loyaltyAccounts)
        .values(earning.map((c) => {
          const total = c.loyalty!.reduce((sum, entry) => sum + entry.points, 0);
          return { customerId: c.id, balance: total, lifetimeEarned: total, updatedAt: DEMO_EPOCH };
        }))
        .onConflictDoNothing()
        .returning({ customerId: loyaltyAccounts.customerId });
      const fresh = new Set(accounts.map((row) => row.customerId));
      const entries = earning
        .filter((c) => fresh.has(c.id))
        .flatMap((c) =>
          c.loyalty!.map((entry, index) => ({
            id: demoId('loy', `${c.key}-${index}`, index),
            customerId: c.id,
            kind: 'EARN' as const,
            points: entry.points,
            remaining: entry.points,
            expiresAt: DEMO_POINTS_EXPIRY,
            reason: entry.reason,
            channel: entry.channel,
            idempotencyKey: `demo-${c.key}-${index}`,
            createdAt: minutes(index),
          })),
        );
      if (entries.length) await tx.insert(loyaltyEntries).values(entries).onConflictDoNothing();
    }

    const consents = DEMO_CUSTOMERS.flatMap((c) =>
      (c.consents ?? []).map((consent, index) => ({
        id: demoId('cons', `${c.key}-${index}`, index),
        customerId: c.id,
        ...consent,
        channel: 'WEB',
        recordedBy: c.id,
        recordedAt: minutes(index),
      })),
    );
    if (consents.length) await tx.insert(consentRecords).values(consents).onConflictDoNothing();

    const touchpoints = DEMO_CUSTOMERS.flatMap((c) =>
      (c.touchpoints ?? []).map((touchpoint, index) => ({
        id: demoId('tl', `${c.key}-${index}`, index),
        customerId: c.id,
        ...touchpoint,
        occurredAt: minutes(60 * (index + 1)),
      })),
    );
    if (touchpoints.length) await tx.insert(timelineEntries).values(touchpoints).onConflictDoNothing();
  });
}

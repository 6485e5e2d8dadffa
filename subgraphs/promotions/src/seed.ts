import { DEMO_EPOCH, DEMO_PROMOTIONS } from '@omni/demo-data';
import type { PromotionsDb } from './db/database';
import { promotions, type NewPromotionRow } from './db/schema';

/** Loads the demo promotions; safe to run again (existing rows, even changed ones, are left alone). */
export async function seedPromotionsDemoData(db: PromotionsDb): Promise<void> {
  const rows: NewPromotionRow[] = DEMO_PROMOTIONS.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    kind: p.kind,
    percentOff: p.kind === 'PERCENTAGE_OFF_ORDER' ? p.value : null,
    amountOffMinor: p.kind === 'FIXED_AMOUNT_OFF_ORDER' ? p.value : null,
    minimumSubtotalMinor: p.minimumSubtotalMinor,
    currencyCode: p.currencyCode,
    channels: [...p.channels],
    startsAt: null,
    endsAt: null,
    status: 'ACTIVE',
    createdAt: DEMO_EPOCH,
    updatedAt: DEMO_EPOCH,
  }));
  await db.insert(promotions).values(rows).onConflictDoNothing();
}

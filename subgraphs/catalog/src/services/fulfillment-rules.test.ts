import { describe, expect, it } from 'vitest';
import { planFulfillment, type FulfillmentLocation } from './fulfillment-rules';

const store = (id: string, pickupEnabled = true): FulfillmentLocation => ({ id, kind: 'STORE', pickupEnabled, transferLeadDays: null, deliveryLeadDays: null });
const warehouse = (id: string, transferLeadDays: number, deliveryLeadDays: number | null): FulfillmentLocation => ({
  id,
  kind: 'WAREHOUSE',
  pickupEnabled: false,
  transferLeadDays,
  deliveryLeadDays,
});
const locations = [store('loc_a'), store('loc_b'), store('loc_c', false), warehouse('loc_w', 2, 3), warehouse('loc_x', 1, null)];

describe('planFulfillment', () => {
  it('offers pickup today where stock is, transfers from the fastest warehouse elsewhere, and delivery', () => {
    const plan = planFulfillment(
      [
        { locationId: 'loc_a', onHand: 2, reserved: 0 },
        { locationId: 'loc_b', onHand: 1, reserved: 1 },
        { locationId: 'loc_c', onHand: 5, reserved: 0 },
        { locationId: 'loc_w', onHand: 10, reserved: 0 },
        { locationId: 'loc_x', onHand: 4, reserved: 0 },
      ],
      locations,
    );
    expect(plan.pickupTodayIds).toEqual(['loc_a']);
    // loc_c holds stock but offers no pickup; loc_x ships to stores in one day but not to customers.
    expect(plan.transfers).toEqual([{ storeId: 'loc_b', fromId: 'loc_x', leadTimeDays: 1 }]);
    expect(plan.delivery).toEqual({ fromId: 'loc_w', leadTimeDays: 3 });
  });

  it('counts safety stock as unavailable and offers nothing when nothing can be sold', () => {
    const plan = planFulfillment(
      [
        { locationId: 'loc_a', onHand: 1, reserved: 0, safetyStock: 1 },
        { locationId: 'loc_w', onHand: 3, reserved: 3 },
      ],
      locations,
    );
    expect(plan).toEqual({ pickupTodayIds: [], transfers: [], delivery: null });
  });
});

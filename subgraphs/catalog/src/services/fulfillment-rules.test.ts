import { describe, expect, it } from 'vitest';
import { coverageByLocation, planFulfillment, type FulfillmentLocation } from './fulfillment-rules';

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

describe('coverageByLocation', () => {
  const level = (variantId: string, locationId: string, onHand: number, reserved = 0, safetyStock = 0) => ({ variantId, locationId, onHand, reserved, safetyStock });

  it('names, per location, the lines it cannot fill, counting reservations, safety stock and repeated variants', () => {
    const coverage = coverageByLocation(
      [level('var_1', 'loc_a', 1), level('var_2', 'loc_a', 1), level('var_1', 'loc_b', 5, 3), level('var_2', 'loc_b', 4), level('var_1', 'loc_w', 9, 0, 6), level('var_2', 'loc_w', 1)],
      [warehouse('loc_w', 2, 3), store('loc_b'), store('loc_a')],
      [
        { variantId: 'var_1', quantity: 1 },
        { variantId: 'var_2', quantity: 1 },
        { variantId: 'var_1', quantity: 1 },
      ],
    );
    expect(coverage.map((entry) => [entry.location.id, entry.shortVariantIds])).toEqual([
      ['loc_a', ['var_1']],
      ['loc_b', []],
      ['loc_w', []],
    ]);
    const three = coverageByLocation([level('var_1', 'loc_a', 2), level('var_1', 'loc_b', 5, 3), level('var_1', 'loc_w', 9, 0, 6)], [store('loc_a'), store('loc_b'), warehouse('loc_w', 2, 3)], [{ variantId: 'var_1', quantity: 3 }]);
    expect(three.map((entry) => [entry.location.id, entry.shortVariantIds])).toEqual([
      ['loc_a', ['var_1']],
      ['loc_b', ['var_1']],
      ['loc_w', []],
    ]);
  });

  it('treats a location without a stock row as holding nothing', () => {
    const [only] = coverageByLocation([], [store('loc_a')], [{ variantId: 'var_1', quantity: 1 }]);
    expect(only!.shortVariantIds).toEqual(['var_1']);
  });
});

import { describe, expect, it } from 'vitest';
import type { LocationCoverage } from '../clients/catalog-client';
import { deliverySource, pickupPlans, planPickup, PICKUP_PREPARATION_MS } from './fulfillment-planner';

const now = new Date('2026-03-02T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const store = (id: string, short: string[], pickupEnabled = true): LocationCoverage => ({
  location: { id, kind: 'STORE', pickupEnabled, transferLeadDays: null, deliveryLeadDays: null },
  shortVariantIds: short,
});
const warehouse = (id: string, short: string[], transferLeadDays: number | null, deliveryLeadDays: number | null): LocationCoverage => ({
  location: { id, kind: 'WAREHOUSE', pickupEnabled: false, transferLeadDays, deliveryLeadDays },
  shortVariantIds: short,
});

describe('planPickup', () => {
  it('serves a store holding every line from its own shelves, ready after preparation', () => {
    expect(planPickup([store('loc_a', []), warehouse('loc_w', [], 2, 3)], 'loc_a', now)).toEqual({
      storeId: 'loc_a',
      sourceId: 'loc_a',
      transfer: false,
      readyBy: new Date(now.getTime() + PICKUP_PREPARATION_MS),
    });
  });

  it('brings the whole cart from the fastest sender holding every line when the store lacks one (endless aisle)', () => {
    const coverage = [store('loc_a', ['var_1']), warehouse('loc_slow', [], 4, 3), warehouse('loc_fast', [], 2, null), warehouse('loc_short', ['var_1'], 1, 1)];
    expect(planPickup(coverage, 'loc_a', now)).toEqual({ storeId: 'loc_a', sourceId: 'loc_fast', transfer: true, readyBy: new Date(now.getTime() + 2 * DAY) });
  });

  it('gives nothing for stores without pickup, unknown stores, or when no sender holds everything', () => {
    expect(planPickup([store('loc_c', [], false), warehouse('loc_w', [], 2, 3)], 'loc_c', now)).toBeNull();
    expect(planPickup([store('loc_a', [])], 'loc_missing', now)).toBeNull();
    expect(planPickup([store('loc_a', ['var_1']), warehouse('loc_w', ['var_1'], 2, 3), store('loc_b', [])], 'loc_a', now)).toBeNull();
  });
});

describe('pickupPlans', () => {
  it('lists every store that can be served, soonest first', () => {
    const plans = pickupPlans([store('loc_b', ['var_1']), store('loc_a', []), store('loc_c', [], false), warehouse('loc_w', [], 2, 3)], now);
    expect(plans.map((plan) => [plan.storeId, plan.sourceId, plan.transfer])).toEqual([
      ['loc_a', 'loc_a', false],
      ['loc_b', 'loc_w', true],
    ]);
  });
});

describe('deliverySource', () => {
  it('ships from the location with the shortest delivery lead time that holds every line', () => {
    const coverage = [warehouse('loc_w1', [], 2, 4), warehouse('loc_w2', [], 2, 2), warehouse('loc_w3', ['var_1'], 2, 1), store('loc_a', [])];
    expect(deliverySource(coverage)).toEqual({ location: coverage[1]!.location, leadDays: 2 });
    expect(deliverySource([store('loc_a', []), warehouse('loc_w', ['var_1'], 2, 3)])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { VariantSnapshot } from '../clients/catalog-client';
import { planLineAdditions, planQuantityChanges, planRemovals } from './line-changes';

const snapshot = (id: string, fields: Partial<VariantSnapshot> = {}): VariantSnapshot => ({
  id,
  priceMinor: 1990,
  currencyCode: 'EUR',
  availableForSale: true,
  totalAvailable: 10,
  publishedChannels: ['WEB', 'POS'],
  ...fields,
});

describe('planLineAdditions', () => {
  const base = { cartCurrencyCode: 'EUR', channel: 'WEB', cartLineCount: 1, existingByVariantId: new Map<string, { quantity: number }>() };

  it('keeps a cart to 100 different items, while more of an item already in it is fine', () => {
    // The service reads only the lines of the requested variants; the cart's line count covers the rest.
    const full = { cartLineCount: 100 };
    const snapshots = new Map([['var_0', snapshot('var_0')], ['var_new', snapshot('var_new')]]);
    const more = planLineAdditions({ ...base, ...full, existingByVariantId: new Map([['var_0', { quantity: 1 }]]), snapshots, requested: [{ variantId: 'var_0', quantity: 1 }] });
    expect(more.ok).toBe(true);
    const another = planLineAdditions({ ...base, ...full, snapshots, requested: [{ variantId: 'var_new', quantity: 1 }] });
    expect(another).toEqual({ ok: false, userErrors: [{ code: 'INVALID', message: 'A cart holds at most 100 different items; this one has 100', field: ['input', 'lines'] }] });
  });

  it('prices new lines from the snapshot and adds to the quantity of a line already in the cart', () => {
    const plan = planLineAdditions({
      ...base,
      requested: [{ variantId: 'var_a', quantity: 2 }, { variantId: 'var_b', quantity: 1 }],
      existingByVariantId: new Map([['var_b', { quantity: 3 }]]),
      snapshots: new Map([['var_a', snapshot('var_a')], ['var_b', snapshot('var_b', { priceMinor: 500 })]]),
    });
    expect(plan).toEqual({
      ok: true,
      value: [
        { variantId: 'var_a', quantity: 2, unitPriceMinor: 1990, currencyCode: 'EUR' },
        { variantId: 'var_b', quantity: 4, unitPriceMinor: 500, currencyCode: 'EUR' },
      ],
    });
  });

  it('reports every failing line with its own code and field', () => {
    const plan = planLineAdditions({
      ...base,
      requested: [
        { variantId: 'var_unknown', quantity: 1 },
        { variantId: 'var_usd', quantity: 1 },
        { variantId: 'var_unsellable', quantity: 1 },
        { variantId: 'var_scarce', quantity: 3 },
        { variantId: 'var_ok', quantity: 1 },
        { variantId: 'var_draft', quantity: 1 },
        { variantId: 'var_pos_only', quantity: 1 },
      ],
      snapshots: new Map([
        ['var_draft', snapshot('var_draft', { publishedChannels: [] })],
        ['var_pos_only', snapshot('var_pos_only', { publishedChannels: ['POS'] })],
        ['var_unknown', null],
        ['var_usd', snapshot('var_usd', { currencyCode: 'USD' })],
        ['var_unsellable', snapshot('var_unsellable', { availableForSale: false, totalAvailable: 0 })],
        ['var_scarce', snapshot('var_scarce', { totalAvailable: 2 })],
        ['var_ok', snapshot('var_ok')],
      ]),
    });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([
      ['NOT_FOUND', 'input.lines.0.variantId'],
      ['INVALID', 'input.lines.1.variantId'],
      ['OUT_OF_STOCK', 'input.lines.2.variantId'],
      ['OUT_OF_STOCK', 'input.lines.3.quantity'],
      ['NOT_FOUND', 'input.lines.5.variantId'],
      ['NOT_FOUND', 'input.lines.6.variantId'],
    ]);
  });

  it('counts what is already in the cart against stock and the 999 unit limit', () => {
    const overStock = planLineAdditions({
      ...base,
      requested: [{ variantId: 'var_a', quantity: 2 }],
      existingByVariantId: new Map([['var_a', { quantity: 9 }]]),
      snapshots: new Map([['var_a', snapshot('var_a', { totalAvailable: 10 })]]),
    });
    expect(overStock.ok ? [] : overStock.userErrors.map((error) => error.code)).toEqual(['OUT_OF_STOCK']);

    const overLimit = planLineAdditions({
      ...base,
      requested: [{ variantId: 'var_a', quantity: 500 }],
      existingByVariantId: new Map([['var_a', { quantity: 500 }]]),
      snapshots: new Map([['var_a', snapshot('var_a', { totalAvailable: 5000 })]]),
    });
    expect(overLimit.ok ? [] : overLimit.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['INVALID', 'input.lines.0.quantity']]);

    const exactlyAll = planLineAdditions({
      ...base,
      requested: [{ variantId: 'var_a', quantity: 1 }],
      existingByVariantId: new Map([['var_a', { quantity: 9 }]]),
      snapshots: new Map([['var_a', snapshot('var_a', { totalAvailable: 10 })]]),
    });
    expect(exactlyAll.ok && exactlyAll.value[0]?.quantity).toBe(10);
  });
});

describe('planQuantityChanges', () => {
  it('turns quantity 0 into a removal and reports unknown lines', () => {
    const existingLineIds = new Set(['line_a', 'line_b']);
    expect(planQuantityChanges({ requested: [{ lineId: 'line_a', quantity: 0 }, { lineId: 'line_b', quantity: 5 }], existingLineIds })).toEqual({
      ok: true,
      value: { removals: ['line_a'], updates: [{ lineId: 'line_b', quantity: 5 }] },
    });
    const unknown = planQuantityChanges({ requested: [{ lineId: 'line_a', quantity: 1 }, { lineId: 'line_x', quantity: 1 }], existingLineIds });
    expect(unknown.ok ? [] : unknown.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['NOT_FOUND', 'input.lines.1.lineId']]);
  });
});

describe('planRemovals', () => {
  it('removes known lines and points at unknown ones', () => {
    const existingLineIds = new Set(['line_a']);
    expect(planRemovals({ requested: ['line_a'], existingLineIds })).toEqual({ ok: true, value: ['line_a'] });
    const unknown = planRemovals({ requested: ['line_a', 'line_x'], existingLineIds });
    expect(unknown.ok ? [] : unknown.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['NOT_FOUND', 'input.lineIds.1']]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCart, demoCatalog } from '../src';

describe('demo data', () => {
  it('is a few hundred products with unique ids, slugs, SKUs and barcodes', () => {
    const { products } = demoCatalog();
    const variants = products.flatMap((product) => product.variants);
    expect(products.length).toBe(300);
    for (const values of [products.map((p) => p.id), products.map((p) => p.slug), variants.map((v) => v.sku), variants.map((v) => v.barcode), variants.map((v) => v.id)]) {
      expect(new Set(values).size).toBe(values.length);
    }
    expect(variants.every((variant) => Number.isInteger(variant.priceMinor) && variant.priceMinor > 0)).toBe(true);
  });

  it('stocks every variant in every location, with a warehouse and several stores', () => {
    const { products, stock } = demoCatalog();
    const variantCount = products.reduce((sum, product) => sum + product.variants.length, 0);
    expect(stock.length).toBe(variantCount * DEMO_LOCATIONS.length);
    expect(DEMO_LOCATIONS.filter((location) => location.kind === 'STORE').length).toBeGreaterThanOrEqual(3);
    expect(DEMO_LOCATIONS.some((location) => location.kind === 'WAREHOUSE')).toBe(true);
  });

  it("prices the demo cart's lines at the catalog's prices", () => {
    const prices = new Map(demoCatalog().products.flatMap((p) => p.variants).map((v) => [v.id, v.priceMinor]));
    for (const line of demoCart().lines) expect(line.unitPriceMinor).toBe(prices.get(line.variantId));
  });
});

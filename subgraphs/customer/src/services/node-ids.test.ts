import { describe, expect, it } from 'vitest';
import { nodeTypeOf } from './node-ids';

describe('nodeTypeOf', () => {
  it('names the type of a well-formed id by its prefix', () => {
    expect(nodeTypeOf('cart_01hzzzzzzzzzzzzzzzzzzzzzzz')).toBe('Cart');
    expect(nodeTypeOf('prod_01hzzzzzzzzzzzzzzzzzzzzzzz')).toBe('Product');
    expect(nodeTypeOf('staff_01hzzzzzzzzzzzzzzzzzzzzzzz')).toBe('StaffMember');
  });

  it('names nothing for ids of no Node, unknown prefixes and malformed ids', () => {
    for (const id of ['line_01hzzzzzzzzzzzzzzzzzzzzzzz', 'toString_01hzzzzzzzzzzzzzzzzzzzzzzz', '__proto___01hzzzzzzzzzzzzzzzzzzzzzzz', 'cart_', 'cart_01H', 'cart', '', 'cart_01hzzzzzzzzzzzzzzzzzzzzzzzz']) {
      expect(nodeTypeOf(id), id).toBeNull();
    }
  });
});

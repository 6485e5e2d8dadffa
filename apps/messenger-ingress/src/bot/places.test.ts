import { describe, expect, it } from 'vitest';
import { storesNamedIn, type StoreInfo } from './places';

const store = (id: string, name: string, city: string): StoreInfo => ({ id, name, city, street: 'Street 1', openingHours: [] });
const STORES = [store('loc_b', 'Berlin Mitte', 'Berlin'), store('loc_h', 'Hamburg Altona', 'Hamburg'), store('loc_c', 'Cologne Outlet', 'Cologne'), store('loc_m', 'Munich Center', 'Munich')];

describe('storesNamedIn', () => {
  it.each([
    ['берлине', ['loc_b']],
    ['в Кёльне', ['loc_c']],
    ['мюнхене', ['loc_m']],
    ['the hamburg store', ['loc_h']],
    ['Berlin Mitte', ['loc_b']],
    ['hamburg altona', ['loc_h']],
    ['франкфурте', []],
    ['paris', []],
  ])('%s names %j', (place, ids) => {
    expect(storesNamedIn(place, STORES).map((found) => found.id)).toEqual(ids);
  });
});

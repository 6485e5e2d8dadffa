import { normaliseText } from './intents';

/** A store as the bot knows it from the catalog. */
export interface StoreInfo {
  id: string;
  name: string;
  city: string;
  street: string;
  openingHours: { weekday: number; opens: string; closes: string }[];
}

/**
 * Russian names of the cities we have stores in. Russian declines them ("в Берлине", "в Кёльне"),
 * so a place matches when one of its words starts with the stem.
 */
const RUSSIAN_CITY_STEMS: Record<string, string[]> = {
  berlin: ['берлин'],
  hamburg: ['гамбург'],
  munich: ['мюнхен'],
  cologne: ['кельн'],
  leipzig: ['лейпциг'],
};

function stemsOf(store: StoreInfo): string[] {
  const city = normaliseText(store.city);
  return [city, normaliseText(store.name), ...(RUSSIAN_CITY_STEMS[city] ?? [])].filter((stem) => stem.length >= 3);
}

/**
 * The stores a free-text place names ("берлине", "the berlin store", "Hamburg Altona"): those whose
 * city or name one of the words starts with. Several stores of one city all match.
 */
export function storesNamedIn(place: string, stores: readonly StoreInfo[]): StoreInfo[] {
  const words = normaliseText(place).split(' ').filter(Boolean);
  const text = words.join(' ');
  return stores.filter((store) =>
    stemsOf(store).some((stem) => (stem.includes(' ') ? text.includes(stem) : words.some((word) => word.startsWith(stem)))),
  );
}

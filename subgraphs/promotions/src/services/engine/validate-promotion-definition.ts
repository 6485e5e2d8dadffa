import type { DefinitionProblem, LineTarget, PromotionAction, PromotionCondition, PromotionDefinition } from './types';

/**
 * What the validator may ask of the catalog. Optional so that the pure checks run anywhere; the
 * admin API passes both so a gift of an unknown variant, or a bundle that costs more than its
 * items, is refused before it is saved.
 */
export interface DefinitionCatalog {
  variantExists?: (variantId: string) => boolean;
  /** The variant's unit price in the promotion's currency, null when it has none. */
  unitPriceMinorOf?: (variantId: string) => number | null;
}

/**
 * Every problem of a definition, each pointed at its field with the paths of the TypeScript model
 * (`action.tiers[1].thresholdMinor`), so the admin API can turn them into `userErrors` one to one.
 * An empty list means the engine can price with it.
 */
export function validatePromotionDefinition(definition: PromotionDefinition, catalog: DefinitionCatalog = {}): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (field: string, code: DefinitionProblem['code'], message: string) => problems.push({ field, code, message });
  const check = checker(add);

  if (definition.id.trim() === '') add('id', 'REQUIRED', 'A promotion needs an id.');
  if (definition.name.trim() === '') add('name', 'REQUIRED', 'A promotion needs a name.');
  if (!/^[A-Z]{3}$/.test(definition.currencyCode)) add('currencyCode', 'INVALID_CURRENCY', 'The currency must be an ISO 4217 code such as EUR.');
  check.integer('priority', definition.priority);
  if (definition.startsAt && definition.endsAt && definition.endsAt.getTime() <= definition.startsAt.getTime()) {
    add('endsAt', 'ENDS_BEFORE_START', 'The promotion must end after it starts.');
  }
  check.noDuplicates('channels', definition.channels);
  check.noDuplicates('locationIds', definition.locationIds);
  if (definition.usageLimit !== null) check.positive('usageLimit', definition.usageLimit);
  if (definition.usageLimitPerCustomer !== null) check.positive('usageLimitPerCustomer', definition.usageLimitPerCustomer);
  if (definition.budgetMinor !== null) check.positive('budgetMinor', definition.budgetMinor);
  if (definition.stacking.mode === 'BEST_DEAL' && definition.stacking.group.trim() === '') {
    add('stacking.group', 'REQUIRED', 'A best-deal promotion needs the name of its group.');
  }

  definition.conditions.forEach((condition, i) => validateCondition(condition, `conditions[${i}]`, check, add));
  validateAction(definition.action, check, add, catalog);
  return problems;
}

type Add = (field: string, code: DefinitionProblem['code'], message: string) => void;
type Checker = ReturnType<typeof checker>;

function checker(add: Add) {
  const integer = (field: string, value: number): boolean => {
    if (Number.isSafeInteger(value)) return true;
    add(field, 'NOT_AN_INTEGER', 'Must be a whole number (money in minor units).');
    return false;
  };
  return {
    integer,
    nonNegative(field: string, value: number) {
      if (integer(field, value) && value < 0) add(field, 'NEGATIVE', 'Must not be negative.');
    },
    positive(field: string, value: number) {
      if (!integer(field, value)) return;
      if (value < 0) add(field, 'NEGATIVE', 'Must not be negative.');
      else if (value === 0) add(field, 'NOT_POSITIVE', 'Must be more than zero.');
    },
    percent(field: string, value: number) {
      if (integer(field, value) && (value < 1 || value > 100)) add(field, 'PERCENT_OUT_OF_RANGE', 'A percentage is a whole number from 1 to 100.');
    },
    target(field: string, target: LineTarget) {
      if (target.ids.length === 0 || target.ids.some((id) => id.trim() === '')) add(`${field}.ids`, 'EMPTY', 'Name at least one product, variant or category.');
    },
    noDuplicates(field: string, values: readonly string[]) {
      if (new Set(values).size !== values.length) add(field, 'DUPLICATE', 'Lists a value twice.');
    },
  };
}

function validateCondition(condition: PromotionCondition, field: string, check: Checker, add: Add): void {
  switch (condition.type) {
    case 'MIN_SUBTOTAL':
      check.nonNegative(`${field}.amountMinor`, condition.amountMinor);
      return;
    case 'CART_CONTAINS':
      check.target(`${field}.target`, condition.target);
      check.positive(`${field}.minQuantity`, condition.minQuantity);
      return;
    case 'CUSTOMER_SEGMENT':
      if (condition.segments.length === 0) add(`${field}.segments`, 'EMPTY', 'Name at least one segment.');
      return;
  }
}

function validateAction(action: PromotionAction, check: Checker, add: Add, catalog: DefinitionCatalog): void {
  switch (action.type) {
    case 'ORDER_PERCENT_OFF':
      check.percent('action.percent', action.percent);
      return;
    case 'ORDER_AMOUNT_OFF':
      check.positive('action.amountMinor', action.amountMinor);
      return;
    case 'TIERED_SPEND':
      if (action.tiers.length === 0) add('action.tiers', 'EMPTY', 'A tiered promotion needs at least one tier.');
      action.tiers.forEach((tier, i) => {
        check.nonNegative(`action.tiers[${i}].thresholdMinor`, tier.thresholdMinor);
        check.positive(`action.tiers[${i}].amountOffMinor`, tier.amountOffMinor);
        const previous = action.tiers[i - 1];
        if (!previous) return;
        // A higher threshold that gives no more than the one below it would never be the best rung.
        if (tier.thresholdMinor <= previous.thresholdMinor) add(`action.tiers[${i}].thresholdMinor`, 'NOT_ASCENDING', 'Thresholds must rise from one tier to the next.');
        if (tier.amountOffMinor <= previous.amountOffMinor) add(`action.tiers[${i}].amountOffMinor`, 'NOT_ASCENDING', 'A higher tier must give more than the one below it.');
      });
      return;
    case 'LINES_PERCENT_OFF':
      check.target('action.target', action.target);
      check.percent('action.percent', action.percent);
      return;
    case 'LINES_AMOUNT_OFF':
      check.target('action.target', action.target);
      check.positive('action.amountMinorPerUnit', action.amountMinorPerUnit);
      return;
    case 'BUY_X_GET_Y':
      check.target('action.target', action.target);
      check.positive('action.buyQuantity', action.buyQuantity);
      check.positive('action.getQuantity', action.getQuantity);
      check.percent('action.percent', action.percent);
      if (action.maxGroups !== null) check.positive('action.maxGroups', action.maxGroups);
      return;
    case 'BUNDLE_FIXED_PRICE': {
      if (action.items.length === 0) add('action.items', 'EMPTY', 'A bundle needs at least one item.');
      action.items.forEach((item, i) => {
        check.target(`action.items[${i}].target`, item.target);
        check.positive(`action.items[${i}].quantity`, item.quantity);
      });
      check.nonNegative('action.priceMinor', action.priceMinor);
      const itemsValue = bundleValue(action.items, catalog);
      if (itemsValue !== null && BigInt(action.priceMinor) >= itemsValue) {
        add('action.priceMinor', 'BUNDLE_PRICE_NOT_BELOW_ITEMS', 'The bundle price must be below what its items cost on their own.');
      }
      return;
    }
    case 'FREE_SHIPPING':
      return;
    case 'GIFT':
      if (action.variantId.trim() === '') add('action.variantId', 'REQUIRED', 'A gift needs the variant to give.');
      else if (catalog.variantExists && !catalog.variantExists(action.variantId)) add('action.variantId', 'UNKNOWN_VARIANT', 'No such variant.');
      check.positive('action.quantity', action.quantity);
      return;
  }
}

/**
 * What the items cost on their own, when that is known: only when every item names exactly one
 * variant with a price. A bundle over categories or several products has no single value.
 */
function bundleValue(items: readonly { target: LineTarget; quantity: number }[], catalog: DefinitionCatalog): bigint | null {
  if (!catalog.unitPriceMinorOf || items.length === 0) return null;
  let total = 0n;
  for (const item of items) {
    const [variantId, ...others] = item.target.ids;
    if (item.target.kind !== 'VARIANT' || variantId === undefined || others.length > 0 || !Number.isSafeInteger(item.quantity)) return null;
    const price = catalog.unitPriceMinorOf(variantId);
    if (price === null) return null;
    total += BigInt(price) * BigInt(item.quantity);
  }
  return total;
}

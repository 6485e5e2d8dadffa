import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Invalid requests for every public root field, derived from the API schema: each case is a
 * plausible request (required inputs filled with sensible values that point at real records)
 * with exactly one value replaced by something no correct client sends. A correct server refuses
 * every one of them without writing anything.
 */

/** Real ids found in the seeded data, grouped by their prefix (`prod`, `var`, `cust`, …). */
export type KnownIds = Map<string, string[]>;

export function collectIds(value: unknown, into: KnownIds = new Map()): KnownIds {
  if (Array.isArray(value)) value.forEach((item) => collectIds(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if ((key === 'id' || key.endsWith('Id')) && typeof item === 'string' && /^[a-z]+_[0-9A-Za-z]+$/.test(item)) {
        const prefix = item.slice(0, item.indexOf('_'));
        const list = into.get(prefix) ?? [];
        if (!list.includes(item)) list.push(item);
        into.set(prefix, list);
      } else collectIds(item, into);
    }
  }
  return into;
}

/** Which kind of record an id argument names, by its name and, for a bare `id`, by its owner. */
const ID_PREFIX_BY_NAME: Record<string, string> = {
  productId: 'prod',
  variantId: 'var',
  locationId: 'loc',
  inStockAt: 'loc',
  locationIds: 'loc',
  storeId: 'loc',
  customerId: 'cus',
  survivorId: 'cus',
  mergedId: 'cus',
  cartId: 'cart',
  guestCartId: 'cart',
  lineId: 'line',
  lineIds: 'line',
  orderId: 'ord',
  orderLineId: 'oline',
  conversationId: 'conv',
  promotionId: 'promo',
  challengeId: 'signin',
  'cart.id': 'cart',
  'order.id': 'ord',
  'product.id': 'prod',
  'variant.id': 'var',
  'location.id': 'loc',
  'customer.id': 'cus',
  'staffMember.id': 'staff',
  'promotion.id': 'promo',
  'conversation.id': 'conv',
  'PublicationInput.id': 'prod',
  'UpdateProductInput.id': 'prod',
};

/** Sensible values for required strings, so the one bad value is what a request is judged on. */
const STRING_BY_NAME: Record<string, string> = {
  currencyCode: 'EUR',
  countryCode: 'DE',
  value: 'fuzz@example.com',
  locale: 'de-DE',
  idempotencyKey: 'fuzz-idempotency-key',
  slug: 'fuzz-product',
  sku: 'FUZZ-SKU-1',
  code: '000000',
  postalCode: '10115',
};

export interface FuzzContext {
  ids: KnownIds;
  /** A sku that exists, for inputs that address variants by sku. */
  sku: string;
}

function idFor(name: string, owner: string, ctx: FuzzContext): string {
  const prefix = ID_PREFIX_BY_NAME[`${owner}.${name}`] ?? ID_PREFIX_BY_NAME[name];
  const known = prefix ? ctx.ids.get(prefix) : undefined;
  return known?.[0] ?? `${prefix ?? 'x'}_01JFUZZ00000000000000000000`;
}

/** A valid-looking value of a type: required fields only, lists of one. */
export function baselineValue(type: GraphQLInputType, name: string, owner: string, ctx: FuzzContext): unknown {
  if (isNonNullType(type)) return baselineValue(type.ofType, name, owner, ctx);
  if (isListType(type)) return [baselineValue(type.ofType, name, owner, ctx)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = baselineValue(field.type, field.name, type.name, ctx);
    }
    return value;
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (type.name) {
    case 'ID':
      return idFor(name, owner, ctx);
    case 'Int':
      return 1;
    case 'Boolean':
      return true;
    case 'Decimal':
      return '1.00';
    case 'DateTime':
      return '2030-01-01T00:00:00.000Z';
    default:
      if (name === 'sku') return ctx.sku;
      return STRING_BY_NAME[name] ?? 'fuzz';
  }
}

/** One place a value can go: a path of field names from the argument down to a leaf or list. */
export interface InputSlot {
  path: string[];
  /** The declared type at that place (with its non-null and list wrappers). */
  type: GraphQLInputType;
  /** The input object (or root field) that declares it, for naming ids. */
  owner: string;
}

export function inputSlots(args: readonly GraphQLArgument[], owner: string): InputSlot[] {
  const slots: InputSlot[] = [];
  const walk = (type: GraphQLInputType, path: string[], slotOwner: string, seen: Set<string>) => {
    const named = getNamedType(type);
    if (isInputObjectType(named)) {
      if (seen.has(named.name)) return;
      const inner = new Set(seen).add(named.name);
      if (isListType(isNonNullType(type) ? type.ofType : type)) slots.push({ path, type, owner: slotOwner });
      for (const field of Object.values(named.getFields())) walk(field.type, [...path, field.name], named.name, inner);
      return;
    }
    slots.push({ path, type, owner: slotOwner });
  };
  for (const arg of args) walk(arg.type, [arg.name], owner, new Set());
  return slots;
}

const KB = 1024;
const HUGE_STRING = 'x'.repeat(100 * KB);
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** Cursors nobody handed out: garbage, wrong shapes, values no column holds. */
const BAD_CURSORS = [
  '!!!not a cursor!!!',
  cursorOf([1e308, 'x']),
  cursorOf([-1e308, 'prod_x']),
  cursorOf([1.5, 'prod_x']),
  cursorOf({ id: 1 }),
  cursorOf('x\u0000y'),
  cursorOf(''),
  cursorOf(['+275760-09-13T00:00:00.000Z', 'x']),
  cursorOf(['2024-02-30T00:00:00.000Z', 'x']),
  cursorOf(['99999999999999999999', 'x']),
  cursorOf(Number.MAX_SAFE_INTEGER * 4),
  cursorOf(-1),
  cursorOf(null),
  Buffer.from('[1,', 'utf8').toString('base64url'),
  'A'.repeat(100 * KB),
];

/** Fields where a negative number is the point (taking stock out), so -1 is a valid request. */
const NEGATIVE_ALLOWED = new Set(['AdjustInventoryInput.delta']);

/** Values no correct client sends in a slot of this type. */
export function invalidValues(slot: InputSlot, ctx: FuzzContext): unknown[] {
  const name = slot.path.at(-1)!;
  const nullable = !isNonNullType(slot.type);
  const inner = isNonNullType(slot.type) ? slot.type.ofType : slot.type;
  const values: unknown[] = [];
  if (!nullable) values.push(null);
  if (isListType(inner)) {
    const item = baselineValue(inner.ofType, name, slot.owner, ctx);
    values.push(Array.from({ length: 2_000 }, () => item), [null], 'not a list of this', { not: 'a list' });
    const itemType = isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType;
    if (isInputObjectType(itemType)) return values;
    return [...values, ...invalidValues({ ...slot, type: inner.ofType }, ctx).filter((value) => value !== null).map((value) => [value])];
  }
  if (isInputObjectType(inner)) return [...values, 'not an object', 42, [], { unknownField: 1 }];
  if (isEnumType(inner)) return [...values, 'NOT_A_VALUE', '', 'web', 1, true];
  const wrongTypes = [true, { a: 1 }, 1.5];
  // A lone surrogate has no UTF-8 form: a driver would store U+FFFD in its place without a word.
  const strings = ['a\u0000b', '\u0000', HUGE_STRING, 'broken \ud800 text'];
  switch (inner.name) {
    case 'Int': {
      const ints: unknown[] = [2147483647, -2147483648, 2147483648, 1e20, 1.5, '1', 'one', Number.MAX_SAFE_INTEGER];
      if (!NEGATIVE_ALLOWED.has(`${slot.owner}.${name}`)) ints.push(-1);
      if (name === 'first') ints.push(101, -1);
      return [...values, ...ints, true];
    }
    case 'Boolean':
      return [...values, 'true', 1, 'yes'];
    case 'Decimal':
      return [...values, 'abc', '1e5', '-1', '1.1234567', '99999999999999999999', '', ' 1', 'NaN', 'Infinity', '0x10', 1.5, '1\u00000', HUGE_STRING];
    case 'DateTime':
      return [
        ...values,
        '+275760-09-13T00:00:00.000Z',
        '-000001-01-01T00:00:00.000Z',
        '2024-02-30T00:00:00.000Z',
        '0000-01-01T00:00:00.000Z',
        '2024-01-01',
        'yesterday',
        '',
        1700000000000,
        '2024-01-01T00:00:00.000Z\u0000',
      ];
    case 'ID': {
      const ids: unknown[] = [...strings, '', '   ', '\t\n', ...wrongTypes];
      // Another kind of record's id where this one is expected, and one of this kind that does not exist.
      const expected = (ID_PREFIX_BY_NAME[`${slot.owner}.${name}`] ?? ID_PREFIX_BY_NAME[name]) || '';
      for (const [prefix, known] of ctx.ids) if (prefix !== expected && known[0]) ids.push(known[0]);
      ids.push(`${expected || 'x'}_01JFUZZ00000000000000000000`, `${expected || 'x'}_' or 1=1 --`);
      return [...values, ...ids];
    }
    default: {
      if (name === 'after') return [...values, ...BAD_CURSORS, 'a\u0000b'];
      // Blank text is refused where the field is required (a name, a reason, a key).
      return [...values, ...strings, ...(nullable ? [] : ['', '   ', '\u00a0\u3000']), ...wrongTypes];
    }
  }
}

/** Puts `value` at `path` inside a copy of `base`, creating objects on the way. */
export function withValueAt(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...base };
  if (rest.length === 0) copy[head!] = value;
  else {
    const current = copy[head!];
    const inner = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
    copy[head!] = withValueAt(inner, rest, value);
  }
  return copy;
}

/** The smallest selection that makes the root field run: errors of a payload, or the typename. */
export function selectionFor(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if ('getFields' in named && 'userErrors' in named.getFields()) return '{ __typename userErrors { code message field } }';
  return '{ __typename }';
}

export interface FuzzRequest {
  label: string;
  query: string;
  variables: Record<string, unknown>;
  /**
   * Sent as every role: the value is well-typed, so it reaches the resolvers, where "omitted",
   * "yourself" and "everyone" differ by role. Values the type system or the edge refuses are
   * refused before anyone's role is looked at, and one role is enough for them.
   */
  everyRole: boolean;
}

/** True when the value gets past GraphQL's own coercion and the edge checks for this slot. */
function reachesResolvers(value: unknown, slot: InputSlot): boolean {
  if (value === null) return !isNonNullType(slot.type);
  const inner = isNonNullType(slot.type) ? slot.type.ofType : slot.type;
  if (isListType(inner)) {
    const item = { ...slot, type: inner.ofType };
    return Array.isArray(value) && value.length > 0 && (isInputObjectType(getNamedType(inner)) || value.every((each) => reachesResolvers(each, item)));
  }
  const named = getNamedType(inner);
  if (!isScalarType(named)) return false;
  switch (named.name) {
    case 'String':
    case 'ID':
      return typeof value === 'string' && !value.includes('\u0000');
    case 'Int':
      return Number.isInteger(value) && Math.abs(value as number) <= 2147483647;
    default:
      return false;
  }
}

export interface RootField {
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  /** For a field below the root: the selection around it, e.g. `me { … }`. */
  around?: { open: string; close: string };
}

/** Fields with arguments on `type`, reached through the selection `open … close`. */
export function nestedFields(schema: GraphQLSchema, type: string, open: string, close: string): RootField[] {
  const object = schema.getType(type);
  if (!object || !('getFields' in object) || isInputObjectType(object)) return [];
  return Object.values(object.getFields())
    .filter((field) => field.args.length > 0)
    .map((field) => ({ operation: 'query' as const, field, around: { open, close } }));
}

export function rootFields(schema: GraphQLSchema): RootField[] {
  const query = Object.values(schema.getQueryType()!.getFields()).map((field) => ({ operation: 'query' as const, field }));
  const mutation = Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({ operation: 'mutation' as const, field }));
  return [...query, ...mutation];
}

function printLiteral(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  if (isNonNullType(type)) return printLiteral(value, type.ofType);
  if (isListType(type)) return Array.isArray(value) ? `[${value.map((item) => printLiteral(item, type.ofType)).join(', ')}]` : printLiteral(value, type.ofType);
  if (isInputObjectType(type) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = type.getFields();
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${fields[key] ? printLiteral(item, fields[key].type) : JSON.stringify(item)}`)
      .join(', ')}}`;
  }
  if (isEnumType(type) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  // An object where a scalar belongs stays an object literal, which the server must refuse.
  if (typeof value === 'object') return printObjectLiteral(value as Record<string, unknown>);
  return JSON.stringify(value);
}

function printObjectLiteral(value: Record<string, unknown>): string {
  return `{${Object.entries(value)
    .map(([key, item]) => `${key}: ${item && typeof item === 'object' ? printObjectLiteral(item as Record<string, unknown>) : JSON.stringify(item)}`)
    .join(', ')}}`;
}

/** The request for one set of arguments: through variables, or written into the document as literals. */
function buildRequest(root: RootField, args: Record<string, unknown>, label: string, inline: boolean, everyRole: boolean): FuzzRequest {
  const { field, operation } = root;
  const open = root.around ? `${root.around.open} ` : '';
  const close = root.around ? ` ${root.around.close}` : '';
  const selection = selectionFor(field.type);
  const used = field.args.filter((arg) => arg.name in args);
  if (inline && used.length > 0) {
    const literal = used.map((arg) => `${arg.name}: ${printLiteral(args[arg.name], arg.type)}`).join(', ');
    return { label: `${open}${label} inline`, query: `${operation} { ${open}${field.name}(${literal}) ${selection}${close} }`, variables: {}, everyRole };
  }
  const declarations = used.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passing = used.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return {
    label: `${open}${label}`,
    query: used.length
      ? `${operation} Fuzz(${declarations}) { ${open}${field.name}(${passing}) ${selection}${close} }`
      : `${operation} { ${open}${field.name} ${selection}${close} }`,
    variables: args,
    everyRole,
  };
}

function requiredArgs(root: RootField, ctx: FuzzContext): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const arg of root.field.args) if (isNonNullType(arg.type)) args[arg.name] = baselineValue(arg.type, arg.name, root.field.name, ctx);
  return args;
}

/**
 * One request per bad value, everything else at its baseline. Every `inlineEvery`-th one is
 * written into the document as literals, which takes a different path through the server.
 */
export function requestsFor(root: RootField, ctx: FuzzContext, inlineEvery = 4): FuzzRequest[] {
  const { field, operation } = root;
  const requests: FuzzRequest[] = [];
  const baseline = requiredArgs(root, ctx);
  // A cursor means something different in every order, so bad cursors are tried in each of them.
  const orders = field.args
    .filter((arg) => !isNonNullType(arg.type) && isEnumType(arg.type))
    .flatMap((arg) => (isEnumType(arg.type) ? arg.type.getValues().map((value) => ({ [arg.name]: value.value })) : []));
  for (const slot of inputSlots(field.args, field.name)) {
    const variants = slot.path.join('.') === 'after' && orders.length > 0 ? orders : [{}];
    for (const { variant, bad } of variants.flatMap((variant) => invalidValues(slot, ctx).map((bad) => ({ variant, bad })))) {
      const args = withValueAt({ ...baseline, ...variant }, slot.path, bad);
      const label = `${field.name}(${slot.path.join('.')} = ${describe(bad)}${Object.keys(variant).length ? ` ${JSON.stringify(variant)}` : ''})`;
      const inline = requests.length % inlineEvery === inlineEvery - 1;
      requests.push(buildRequest(root, args, label, inline, operation === 'mutation' && reachesResolvers(bad, slot)));
    }
  }
  return requests;
}

/** The input object types along a path, so a value deep inside an optional object gets its siblings. */
function fillParents(args: Record<string, unknown>, root: RootField, path: string[], ctx: FuzzContext): Record<string, unknown> {
  let type: GraphQLInputType | undefined = root.field.args.find((arg) => arg.name === path[0])?.type;
  let owner = root.field.name;
  let filled = args;
  for (let depth = 1; depth < path.length && type; depth++) {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || isListType(isNonNullType(type) ? type.ofType : type)) break;
    const prefix = path.slice(0, depth);
    let current: unknown = filled;
    for (const key of prefix) current = (current as Record<string, unknown> | undefined)?.[key];
    if (current === undefined) filled = withValueAt(filled, prefix, baselineValue(named, prefix.at(-1)!, owner, ctx));
    owner = named.name;
    type = named.getFields()[path[depth]!]?.type;
  }
  return filled;
}

/**
 * Requests with optional inputs switched on at random (a pickup store, a note, an expected
 * version…) and exactly one bad value among them: deeper paths than the baseline reaches, and
 * still nothing a server may accept.
 */
export function mixedRequestsFor(root: RootField, ctx: FuzzContext, random: () => number, count: number): FuzzRequest[] {
  const slots = inputSlots(root.field.args, root.field.name);
  const optional = slots.filter((slot) => !isListType(isNonNullType(slot.type) ? slot.type.ofType : slot.type));
  if (slots.length === 0) return [];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const requests: FuzzRequest[] = [];
  for (let index = 0; index < count; index++) {
    let args = requiredArgs(root, ctx);
    const chosen: string[] = [];
    for (const slot of optional) {
      if (random() >= 0.35) continue;
      args = withValueAt(fillParents(args, root, slot.path, ctx), slot.path, baselineValue(slot.type, slot.path.at(-1)!, slot.owner, ctx));
      chosen.push(slot.path.join('.'));
    }
    const target = pick(slots);
    const bad = pick(invalidValues(target, ctx));
    args = withValueAt(fillParents(args, root, target.path, ctx), target.path, bad);
    const label = `${root.field.name}(${target.path.join('.')} = ${describe(bad)} with ${chosen.join(', ') || 'required inputs only'})`;
    requests.push(buildRequest(root, args, label, random() < 0.25, root.operation === 'mutation' && reachesResolvers(bad, target)));
  }
  return requests;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
}

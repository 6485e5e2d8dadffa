import { demoId } from '@omni/db';
import { DEMO_LOCATIONS } from './locations';
import { integerBetween, pick, seededRandom } from './random';

export const DEMO_CURRENCY = 'EUR';

export interface DemoVariant {
  id: string;
  productId: string;
  sku: string;
  barcode: string;
  title: string;
  options: { name: string; value: string }[];
  /** Minor units of DEMO_CURRENCY. */
  priceMinor: number;
  /** The struck-through "was" price while on sale, minor units; null when not on sale. */
  compareAtMinor: number | null;
  /** Prices in further currencies for shoppers abroad. */
  otherPrices: { currencyCode: string; amountMinor: number; compareAtMinor: number | null }[];
  position: number;
}

/** Every sales channel; a demo product is published to all of them unless it says otherwise. */
export const DEMO_CHANNELS = ['WEB', 'MOBILE_APP', 'POS', 'SOCIAL', 'MESSENGER', 'CALL_CENTER', 'EMAIL', 'MARKETPLACE'] as const;
export type DemoChannel = (typeof DEMO_CHANNELS)[number];

export interface DemoProduct {
  id: string;
  slug: string;
  title: string;
  description: string;
  category: string;
  vendor: string;
  /** Channels the product is published to. */
  channels: DemoChannel[];
  imageUrls: string[];
  variants: DemoVariant[];
}

export interface DemoStockLevel {
  variantId: string;
  locationId: string;
  onHand: number;
}

const CATEGORIES = [
  { name: 'Jackets', nouns: ['Parka', 'Windbreaker', 'Rain Jacket', 'Down Jacket', 'Denim Jacket'], price: [5900, 24900], sized: true },
  { name: 'Shirts', nouns: ['Oxford Shirt', 'Linen Shirt', 'Flannel Shirt', 'Polo', 'T-Shirt'], price: [1490, 5900], sized: true },
  { name: 'Trousers', nouns: ['Chinos', 'Jeans', 'Cargo Pants', 'Joggers', 'Shorts'], price: [2990, 8900], sized: true },
  { name: 'Shoes', nouns: ['Sneakers', 'Boots', 'Loafers', 'Sandals', 'Trail Runners'], price: [3990, 15900], sized: true },
  { name: 'Bags', nouns: ['Backpack', 'Tote', 'Duffel', 'Messenger Bag', 'Belt Bag'], price: [1990, 12900], sized: false },
  { name: 'Home', nouns: ['Mug', 'Blanket', 'Candle', 'Cushion', 'Vase'], price: [590, 6900], sized: false },
] as const;

/** Russian names, so search in both languages has something to find. */
const RUSSIAN_NOUNS: Record<string, string> = {
  Parka: 'Парка', Windbreaker: 'Ветровка', 'Rain Jacket': 'Дождевик', 'Down Jacket': 'Пуховик', 'Denim Jacket': 'Джинсовая куртка',
  'Oxford Shirt': 'Оксфордская рубашка', 'Linen Shirt': 'Льняная рубашка', 'Flannel Shirt': 'Фланелевая рубашка', Polo: 'Поло', 'T-Shirt': 'Футболка',
  Chinos: 'Чиносы', Jeans: 'Джинсы', 'Cargo Pants': 'Брюки карго', Joggers: 'Джоггеры', Shorts: 'Шорты',
  Sneakers: 'Кроссовки', Boots: 'Ботинки', Loafers: 'Лоферы', Sandals: 'Сандалии', 'Trail Runners': 'Трейловые кроссовки',
  Backpack: 'Рюкзак', Tote: 'Сумка-шоппер', Duffel: 'Дорожная сумка', 'Messenger Bag': 'Сумка через плечо', 'Belt Bag': 'Поясная сумка',
  Mug: 'Кружка', Blanket: 'Плед', Candle: 'Свеча', Cushion: 'Подушка', Vase: 'Ваза',
};
const RUSSIAN_CATEGORIES: Record<string, string> = {
  Jackets: 'куртки', Shirts: 'рубашки', Trousers: 'брюки', Shoes: 'обувь', Bags: 'сумки', Home: 'товары для дома',
};

/** Image host of the demo data; the reserved example domain, so nothing real is ever fetched. */
const DEMO_IMAGE_HOST = 'https://images.example.com/products';

const ONLINE_CHANNELS: DemoChannel[] = ['WEB', 'MOBILE_APP', 'SOCIAL', 'MESSENGER', 'CALL_CENTER', 'EMAIL'];

/**
 * The first 200 products are offered everywhere (other subgraphs' demo data and tests use them);
 * among the rest some are store-only, some online-only and some kept off marketplaces.
 */
function demoChannels(index: number): DemoChannel[] {
  if (index < 200) return [...DEMO_CHANNELS];
  if (index % 20 === 5) return ['POS'];
  if (index % 20 === 15) return ONLINE_CHANNELS;
  if (index % 10 === 9) return DEMO_CHANNELS.filter((channel) => channel !== 'MARKETPLACE');
  return [...DEMO_CHANNELS];
}

/** US dollar prices: a tenth above the euro price, ending in .90 like the euro ones. */
function usdPrice(eurMinor: number, onSale: boolean) {
  const amountMinor = Math.round((eurMinor * 1.1) / 100) * 100 - 10;
  return { currencyCode: 'USD', amountMinor, compareAtMinor: onSale ? Math.round(amountMinor * 1.25) : null };
}

const ADJECTIVES = ['Classic', 'Urban', 'Alpine', 'Coastal', 'Everyday', 'Heritage', 'Nordic', 'Studio', 'Field', 'Harbor'];
const VENDORS = ['Northwind', 'Kestrel & Co', 'Fjell', 'Oakline', 'Tideworks'];
const COLOURS = ['Black', 'Navy', 'Olive', 'Sand', 'Red', 'White'];
const SIZES = ['S', 'M', 'L', 'XL'];

export const DEMO_PRODUCT_COUNT = 300;

function buildCatalog(): DemoProduct[] {
  const random = seededRandom(20261123);
  const products: DemoProduct[] = [];
  for (let index = 0; index < DEMO_PRODUCT_COUNT; index += 1) {
    const category = CATEGORIES[index % CATEGORIES.length]!;
    const adjective = ADJECTIVES[Math.floor(index / CATEGORIES.length) % ADJECTIVES.length]!;
    const noun = category.nouns[Math.floor(index / (CATEGORIES.length * ADJECTIVES.length)) % category.nouns.length]!;
    const series = Math.floor(index / (CATEGORIES.length * ADJECTIVES.length * category.nouns.length)) + 1;
    const title = series > 1 ? `${adjective} ${noun} ${series}` : `${adjective} ${noun}`;
    const key = `product-${index + 1}`;
    const productId = demoId('prod', key, index + 1);
    const colours = [pick(random, COLOURS), pick(random, COLOURS)].filter((c, i, all) => all.indexOf(c) === i);
    const basePrice = Math.round(integerBetween(random, category.price[0], category.price[1]) / 100) * 100 - 10;
    const optionSets = category.sized
      ? colours.flatMap((colour) => SIZES.slice(0, integerBetween(random, 2, 4)).map((size) => ({ colour, size })))
      : colours.map((colour) => ({ colour, size: null as string | null }));
    const variants = optionSets.map((option, position): DemoVariant => {
      const sku = `${category.name.slice(0, 3).toUpperCase()}-${String(index + 1).padStart(4, '0')}-${position + 1}`;
      return {
        id: demoId('var', `${key}-${position + 1}`, (index + 1) * 10 + position),
        productId,
        sku,
        barcode: `40${String(index + 1).padStart(6, '0')}${String(position + 1).padStart(3, '0')}0`,
        title: [option.colour, option.size].filter(Boolean).join(' / '),
        options: [
          { name: 'Colour', value: option.colour },
          ...(option.size ? [{ name: 'Size', value: option.size }] : []),
        ],
        priceMinor: basePrice + (option.size === 'XL' ? 500 : 0),
        // Every seventh product is on sale: its "was" price is a quarter higher.
        compareAtMinor: index % 7 === 3 ? Math.round((basePrice + (option.size === 'XL' ? 500 : 0)) * 1.25) : null,
        otherPrices: [usdPrice(basePrice + (option.size === 'XL' ? 500 : 0), index % 7 === 3)],
        position,
      };
    });
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const vendor = VENDORS[index % VENDORS.length]!;
    products.push({
      id: productId,
      slug,
      title,
      description:
        `${title} by ${vendor}: part of our ${category.name.toLowerCase()} range. ` +
        `${RUSSIAN_NOUNS[noun]} ${adjective} от ${vendor}, ${RUSSIAN_CATEGORIES[category.name]}.`,
      category: category.name,
      vendor,
      channels: demoChannels(index),
      imageUrls: [`${DEMO_IMAGE_HOST}/${slug}-1.jpg`, `${DEMO_IMAGE_HOST}/${slug}-2.jpg`],
      variants,
    });
  }
  return products;
}

function buildStock(products: DemoProduct[]): DemoStockLevel[] {
  const random = seededRandom(4242);
  const levels: DemoStockLevel[] = [];
  for (const product of products) {
    for (const variant of product.variants) {
      for (const location of DEMO_LOCATIONS) {
        const isWarehouse = location.kind === 'WAREHOUSE';
        // Roughly a third of store shelves are empty, so endless aisle and pickup availability differ by store.
        const onHand = isWarehouse ? integerBetween(random, 20, 200) : random() < 0.35 ? 0 : integerBetween(random, 1, 12);
        levels.push({ variantId: variant.id, locationId: location.id, onHand });
      }
    }
  }
  return levels;
}

let cached: { products: DemoProduct[]; stock: DemoStockLevel[] } | null = null;

/** The demo catalog: the same products, variants, prices and stock on every machine. */
export function demoCatalog(): { products: DemoProduct[]; stock: DemoStockLevel[] } {
  if (!cached) {
    const products = buildCatalog();
    cached = { products, stock: buildStock(products) };
  }
  return cached;
}

export function demoVariantBySku(sku: string): DemoVariant {
  for (const product of demoCatalog().products) {
    const variant = product.variants.find((candidate) => candidate.sku === sku);
    if (variant) return variant;
  }
  throw new Error(`No demo variant ${sku}`);
}

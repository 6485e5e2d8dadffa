import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import type { DemoTokenRole } from '../src/demo-tokens';

const BERLIN = DEMO_LOCATIONS[0]!.id;

/**
 * A product listing page as a storefront renders it: products with their variants, prices and
 * availability at the shopper's store. NEWEST puts a generated large catalog (when there is one)
 * on the page, not the demo products.
 */
export const listingPage = (first: number, filter = '') => /* GraphQL */ `query($store: ID!) {
  products(first: ${first}, sort: NEWEST${filter}) {
    edges { node {
      id title slug imageUrls priceRange { min { amount currencyCode } max { amount } }
      variants { sku title price { amount currencyCode } compareAtPrice { amount } availability(locationId: $store) { available } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface Scenario {
  name: string;
  role: DemoTokenRole;
  key?: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** Read paths every channel hits constantly. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'customer 360 (5 subgraphs)',
    role: 'customer',
    key: 'anna',
    query: /* GraphQL */ `{
      me {
        displayName
        cart {
          totalQuantity
          lines(first: 50) { edges { node { quantity unitPrice { amount } variant { sku title product { title } } } } }
          discounts { title amount { amount } }
          total { amount currencyCode }
        }
        conversations(first: 5) { edges { node { subject messages(first: 10) { edges { node { body } } } } } }
      }
    }`,
  },
  {
    name: 'catalog: listing page, 24 products + variants + store stock',
    role: 'guest',
    query: listingPage(24),
    variables: { store: BERLIN },
  },
  {
    name: 'catalog: listing page, 96 products + variants + store stock',
    role: 'guest',
    query: listingPage(96),
    variables: { store: BERLIN },
  },
  {
    name: 'catalog: in stock at the store, 24 per page',
    role: 'guest',
    query: listingPage(24, `, filter: { inStockAt: "${BERLIN}" }`),
    variables: { store: BERLIN },
  },
  {
    name: 'catalog: search "sweater", 24 per page',
    role: 'guest',
    query: listingPage(24, ', filter: { search: "sweater" }'),
    variables: { store: BERLIN },
  },
  {
    name: 'catalog: product page by slug',
    role: 'guest',
    query: /* GraphQL */ `query($slug: String!, $store: ID!) {
      product(slug: $slug) {
        id title description vendor imageUrls category { name } priceRange { min { amount currencyCode } max { amount } }
        variants { id sku title options { name value } price { amount currencyCode } compareAtPrice { amount } availability(locationId: $store) { available } }
      }
    }`,
    variables: { slug: demoCatalog().products[0]!.slug, store: BERLIN },
  },
  {
    name: 'product listing, 24 per page',
    role: 'guest',
    query: /* GraphQL */ `{
      products(first: 24) { edges { node { title slug variants { sku price { amount currencyCode } availableForSale } } } }
    }`,
  },
];

import type { DemoTokenRole } from '../src/demo-tokens';

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
    name: 'product listing, 24 per page',
    role: 'guest',
    query: /* GraphQL */ `{
      products(first: 24) { edges { node { title slug variants { sku price { amount currencyCode } availableForSale } } } }
    }`,
  },
];

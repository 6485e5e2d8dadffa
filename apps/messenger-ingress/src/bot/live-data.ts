import { mintAccessToken } from '@omni/auth';
import { createGraphQLFetch } from '@omni/graphql';
import type { CartSummary, OrderSummary, ProductStock } from './replies';
import type { StoreInfo } from './places';

/** What the bot reads through the public gateway, exactly as the customer's own app would. */
export interface LiveData {
  stores(): Promise<StoreInfo[]>;
  latestOrder(customerId: string): Promise<OrderSummary | null>;
  cart(customerId: string): Promise<CartSummary | null>;
  /** The best match for a product search with its stock per store; null when nothing matches. */
  productStock(search: string, customerId: string | null): Promise<ProductStock | null>;
  displayName(customerId: string): Promise<string | null>;
}

export class LiveDataError extends Error {
  override name = 'LiveDataError';
}

/**
 * How long a token minted for one bot turn lives. Long enough for the few queries of that turn,
 * short enough that a leaked one is useless a minute later.
 */
export const BOT_TOKEN_LIFETIME_SECONDS = 60;

const STORES = /* GraphQL */ `
  query BotStores {
    locations(kind: STORE) { id name address { street city } openingHours { weekday opens closes } }
  }
`;

const ORDERS = /* GraphQL */ `
  query BotOrders($after: String) {
    me {
      orders(first: 100, after: $after) {
        edges {
          node {
            id
            placedAt
            total { amount currencyCode }
            fulfillment { method status readyBy estimatedDeliveryAt location { name } }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

const CART = /* GraphQL */ `
  query BotCart {
    me {
      cart {
        totalQuantity
        total { amount currencyCode }
        lines(first: 20) { edges { node { quantity variant { title product { title } } } } }
      }
    }
  }
`;

const PRODUCT_STOCK = /* GraphQL */ `
  query BotProductStock($search: String!) {
    products(first: 5, filter: { search: $search }) {
      edges { node { title variants { stockLevels { available location { id } } } } }
    }
  }
`;

const DISPLAY_NAME = /* GraphQL */ `
  query BotCustomerName {
    me { displayName }
  }
`;

/** Orders are listed oldest first; a customer with more than this many pages is not a chat case. */
const MAX_ORDER_PAGES = 20;

interface OrderNode {
  id: string;
  placedAt: string;
  total: OrderSummary['total'];
  fulfillment: { method: OrderSummary['method']; status: OrderSummary['status']; readyBy: string | null; estimatedDeliveryAt: string | null; location: { name: string } };
}

export function createGatewayLiveData(options: { gatewayUrl: string | (() => string); tokenSecret: string; timeoutMs?: number }): LiveData {
  const fetchGraphQL = createGraphQLFetch();

  /**
   * Customer data is read as that customer: a token with the customer role and nothing else,
   * minted for this one request and never logged, so the gateway and the subgraphs apply the
   * same ownership rules as for the customer's own app.
   */
  async function customerToken(customerId: string): Promise<string> {
    // A duration string: jose reads a bare number as an absolute expiry time.
    return mintAccessToken(options.tokenSecret, { role: 'customer', sub: customerId, channel: 'MESSENGER' }, { expiresIn: `${BOT_TOKEN_LIFETIME_SECONDS}s` });
  }

  async function query<TData>(document: string, variables: Record<string, unknown>, customerId: string | null): Promise<TData> {
    const url = typeof options.gatewayUrl === 'function' ? options.gatewayUrl() : options.gatewayUrl;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (customerId) headers.authorization = `Bearer ${await customerToken(customerId)}`;
    const response = await fetchGraphQL(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    const body = (await response.json()) as { data?: TData; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length || !body.data) {
      throw new LiveDataError(`Gateway answered ${response.status}: ${body.errors?.map((error) => error.extensions?.code ?? error.message).join(', ') ?? 'no data'}`);
    }
    return body.data;
  }

  return {
    async stores() {
      const data = await query<{ locations: { id: string; name: string; address: { street: string; city: string }; openingHours: StoreInfo['openingHours'] }[] }>(STORES, {}, null);
      return data.locations.map((location) => ({ id: location.id, name: location.name, street: location.address.street, city: location.address.city, openingHours: location.openingHours }));
    },

    async latestOrder(customerId) {
      let after: string | null = null;
      let latest: OrderNode | undefined;
      for (let page = 0; page < MAX_ORDER_PAGES; page += 1) {
        type Page = { me: { orders: { edges: { node: OrderNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null };
        const data: Page = await query<Page>(ORDERS, { after }, customerId);
        if (!data.me) return null;
        latest = data.me.orders.edges.at(-1)?.node ?? latest;
        if (!data.me.orders.pageInfo.hasNextPage) break;
        after = data.me.orders.pageInfo.endCursor;
      }
      if (!latest) return null;
      const { fulfillment } = latest;
      return {
        id: latest.id,
        placedAt: latest.placedAt,
        total: latest.total,
        method: fulfillment.method,
        status: fulfillment.status,
        locationName: fulfillment.location.name,
        readyBy: fulfillment.readyBy,
        estimatedDeliveryAt: fulfillment.estimatedDeliveryAt,
      };
    },

    async cart(customerId) {
      type Line = { quantity: number; variant: { title: string; product: { title: string } } | null };
      const data = await query<{ me: { cart: { totalQuantity: number; total: CartSummary['total']; lines: { edges: { node: Line }[] } } | null } | null }>(CART, {}, customerId);
      const cart = data.me?.cart;
      if (!cart) return null;
      return {
        totalQuantity: cart.totalQuantity,
        total: cart.total,
        lines: cart.lines.edges.map(({ node }) => ({
          // A line whose product the channel no longer offers still counts; it just has no name here.
          title: node.variant ? `${node.variant.product.title} (${node.variant.title})` : '—',
          quantity: node.quantity,
        })),
      };
    },

    async productStock(search, customerId) {
      type Node = { title: string; variants: { stockLevels: { available: number; location: { id: string } }[] }[] };
      const data = await query<{ products: { edges: { node: Node }[] } }>(PRODUCT_STOCK, { search }, customerId);
      const nodes = data.products.edges.map((edge) => edge.node);
      // Search ranks by relevance; a product called exactly what was asked wins over a longer name.
      const wanted = search.trim().toLowerCase();
      const product = nodes.find((node) => node.title.toLowerCase() === wanted) ?? nodes[0];
      if (!product) return null;
      const byStore = new Map<string, number>();
      for (const variant of product.variants) {
        for (const level of variant.stockLevels) byStore.set(level.location.id, (byStore.get(level.location.id) ?? 0) + level.available);
      }
      return { title: product.title, byStore: [...byStore].map(([storeId, available]) => ({ storeId, available })) };
    },

    async displayName(customerId) {
      const data = await query<{ me: { displayName: string } | null }>(DISPLAY_NAME, {}, customerId);
      return data.me?.displayName ?? null;
    },
  };
}

import { z } from 'zod';
import type { Channel } from '@omni/auth';
import { createServiceClient, ServiceCallError, type ServiceClient } from '@omni/graphql';

const minor = z.number().int().nonnegative();

const cartQuoteSchema = z.object({
  cartId: z.string(),
  currencyCode: z.string(),
  subtotalMinor: minor,
  discountTotalMinor: minor,
  shippingMinor: minor,
  totalMinor: minor,
  discounts: z.array(z.object({ promotionId: z.string(), title: z.string(), amountMinor: minor })),
  lines: z.array(z.object({ lineId: z.string(), unitPriceMinor: minor, discountMinor: minor })),
});
/** The promotions subgraph's final price of a cart, discounts allocated to its lines. */
export type CartQuote = z.infer<typeof cartQuoteSchema>;

export interface CartQuoteRequest {
  cartId: string;
  channel: Channel;
  locationId: string | null;
  customerId: string | null;
  currencyCode: string;
  lines: readonly { lineId: string; variantId: string; quantity: number; unitPriceMinor: number }[];
  couponCodes: readonly string[];
  shippingFeeMinor: number;
}

const QUOTE_CART = /* GraphQL */ `
  query CartQuote($input: CartQuoteInput!) {
    quoteCart(input: $input) {
      cartId currencyCode subtotalMinor discountTotalMinor shippingMinor totalMinor
      discounts { promotionId title amountMinor }
      lines { lineId unitPriceMinor discountMinor }
    }
  }
`;

export interface PromotionsClient {
  /** The same evaluation as `Cart.total`, for the cart as checkout is about to charge it. */
  quoteCart(request: CartQuoteRequest): Promise<CartQuote>;
}

export function createPromotionsClient(options: { url: string | (() => string); signingSecret: string }): PromotionsClient {
  const client: ServiceClient = createServiceClient({ service: 'cart', url: options.url, signingSecret: options.signingSecret });
  return {
    async quoteCart(request) {
      const input = { ...request, lines: request.lines.map((line) => ({ ...line })), couponCodes: [...request.couponCodes] };
      const data = await client.request<{ quoteCart: unknown }>(QUOTE_CART, { input }, request.channel);
      const parsed = cartQuoteSchema.safeParse(data.quoteCart);
      if (!parsed.success || parsed.data.cartId !== request.cartId) throw new ServiceCallError('The promotions subgraph returned a malformed cart quote');
      return parsed.data;
    },
  };
}

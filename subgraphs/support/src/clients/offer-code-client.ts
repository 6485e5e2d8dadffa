import { z } from 'zod';
import { createServiceClient, ServiceCallError } from '@omni/graphql';

/** Why a code may not be handed to this customer; null when it may. */
export type OfferCodeRefusal = 'UNKNOWN' | 'EXPIRED' | 'USED_UP' | 'NOT_YOURS' | null;

/** Promotions, asked whether a coupon or personal offer code is one this customer can use. */
export interface OfferCodes {
  check(code: string, customerId: string): Promise<{ code: string; refusal: OfferCodeRefusal }>;
}

const CHECK = /* GraphQL */ `
  query OfferCodeCheck($code: String!, $customerId: ID) {
    couponCodeCheck(code: $code, channel: WEB, currencyCode: "EUR", customerId: $customerId) { code refusal }
  }
`;

const response = z.object({ couponCodeCheck: z.object({ code: z.string(), refusal: z.string().nullable() }) });

/**
 * Only refusals about the code and the person count here. Channel, currency and start date belong
 * to the cart the code will go on (a web cart in euros is only the question's frame), so they
 * do not stop an agent from handing the code over.
 */
const REFUSALS: Record<string, OfferCodeRefusal> = {
  COUPON_UNKNOWN: 'UNKNOWN',
  COUPON_EXPIRED: 'EXPIRED',
  COUPON_USED_UP: 'USED_UP',
  COUPON_NOT_YOURS: 'NOT_YOURS',
};

export function createOfferCodesClient(options: { url: string | (() => string); signingSecret: string }): OfferCodes {
  const client = createServiceClient({ service: 'support', url: options.url, signingSecret: options.signingSecret });
  return {
    async check(code, customerId) {
      const parsed = response.safeParse(await client.request<unknown>(CHECK, { code, customerId }));
      if (!parsed.success) throw new ServiceCallError('The promotions subgraph returned a malformed code check');
      const { refusal } = parsed.data.couponCodeCheck;
      return { code: parsed.data.couponCodeCheck.code, refusal: refusal ? (REFUSALS[refusal] ?? null) : null };
    },
  };
}

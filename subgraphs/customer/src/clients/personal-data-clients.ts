import { createServiceClient } from '@omni/graphql';

/**
 * A sibling subgraph that holds personal data about customers and answers the internal export and
 * erase operations for them. Ids are every id the person has had, merged ids included.
 */
export interface PersonalDataHolder {
  name: string;
  exportData(customerIds: readonly string[]): Promise<unknown>;
  erase(customerIds: readonly string[]): Promise<number>;
}

export interface SiblingUrls {
  cart: string | (() => string);
  support: string | (() => string);
  /** Asked whether a product id given with a view or a touchpoint exists and where it is offered. */
  catalog: string | (() => string);
}

function holder(name: string, url: string | (() => string), signingSecret: string, fields: { export: string; erase: string }): PersonalDataHolder {
  const client = createServiceClient({ service: 'customer', url, signingSecret });
  return {
    name,
    async exportData(customerIds) {
      const data = await client.request<Record<string, string>>(`query($ids: [ID!]!) { ${fields.export}(customerIds: $ids) }`, { ids: customerIds });
      return JSON.parse(data[fields.export]!) as unknown;
    },
    async erase(customerIds) {
      const data = await client.request<Record<string, { erased: number }>>(`mutation($ids: [ID!]!) { ${fields.erase}(customerIds: $ids) { erased } }`, { ids: customerIds });
      return data[fields.erase]!.erased;
    },
  };
}

export function createPersonalDataHolders(urls: SiblingUrls, signingSecret: string): PersonalDataHolder[] {
  return [
    holder('cart', urls.cart, signingSecret, { export: 'exportCustomerCarts', erase: 'eraseCustomerCarts' }),
    holder('support', urls.support, signingSecret, { export: 'exportCustomerConversations', erase: 'eraseCustomerConversations' }),
  ];
}

import type { Caller } from '@omni/auth';
import type { CatalogProducts } from './clients/catalog-client';
import type { CodeSender } from './clients/code-sender';
import type { ReminderSender } from './clients/reminder-sender';
import type { PersonalDataHolder } from './clients/personal-data-clients';
import type { CustomerDb } from './db/database';
import { createLoaders, type CustomerLoaders } from './loaders';
import { createProductPublicationLoader } from './services/product-visibility';

/** Built once per request from the verified caller. */
export interface CustomerContext {
  caller: Caller;
  db: CustomerDb;
  loaders: CustomerLoaders;
  /** Sibling subgraphs asked by data export and erasure. */
  personalDataHolders: readonly PersonalDataHolder[];
  /** Checks product ids callers give before they are kept. */
  catalog: CatalogProducts;
  /** Where the products this request mentions are offered; one catalog call per batch. */
  productPublications: ReturnType<typeof createProductPublicationLoader>;
  /** Signs customer access tokens after a sign-in; the gateway verifies them with the same secret. */
  tokenSecret: string;
  codeSender: CodeSender;
  /** Delivers abandoned-cart reminders the customer's consent allows; null when reminders are off. */
  reminderSender: ReminderSender | null;
  /** Points a placed order earns per whole currency unit paid in money (LOYALTY_POINTS_PER_CURRENCY_UNIT). */
  loyaltyPointsPerCurrencyUnit: number;
}

export function createCustomerContext(
  caller: Caller,
  db: CustomerDb,
  services: Pick<CustomerContext, 'personalDataHolders' | 'catalog' | 'tokenSecret' | 'codeSender' | 'reminderSender' | 'loyaltyPointsPerCurrencyUnit'>,
): CustomerContext {
  return { caller, db, loaders: createLoaders(db), productPublications: createProductPublicationLoader(services.catalog), ...services };
}

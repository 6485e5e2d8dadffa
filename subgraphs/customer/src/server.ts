import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createCatalogClient, type CatalogProducts } from './clients/catalog-client';
import type { CodeSender } from './clients/code-sender';
import { createConsoleReminderSender, type ReminderSender } from './clients/reminder-sender';
import { createPersonalDataHolders, type SiblingUrls } from './clients/personal-data-clients';
import { createCustomerContext, type CustomerContext } from './context';
import type { CustomerDatabase } from './db/database';
import { resolvers } from './resolvers';
import { DEFAULT_POINTS_PER_CURRENCY_UNIT } from './services/loyalty-earn-rules';

export const CUSTOMER_SUBGRAPH_NAME = 'customer';
export const customerSchemaFile = new URL('./schema.graphql', import.meta.url);

export interface CustomerSubgraphOptions {
  database: CustomerDatabase;
  signingSecret: string;
  /**
   * Cart and support, asked by `exportCustomerData` and `eraseCustomer`, and the catalog, asked
   * about product ids; functions when their ports are picked later.
   */
  siblingUrls: SiblingUrls;
  /** Answers for the catalog at `siblingUrls.catalog` when given (tests without a catalog). */
  catalog?: CatalogProducts;
  /** AUTH_TOKEN_SECRET, shared with the gateway: customer tokens minted at sign-in. */
  tokenSecret: string;
  /**
   * Delivers sign-in codes. No default: a sender that prints them must be chosen knowingly, for
   * development only (see `loadCodeSenderConfig`).
   */
  codeSender: CodeSender;
  /** Delivers abandoned-cart reminders; prints them when left out, none are planned when null. */
  reminderSender?: ReminderSender | null;
  /** Points a placed order earns per whole currency unit paid in money; 5 when left out. */
  loyaltyPointsPerCurrencyUnit?: number;
}

export function createCustomerSubgraph(options: CustomerSubgraphOptions) {
  const services = {
    personalDataHolders: createPersonalDataHolders(options.siblingUrls, options.signingSecret),
    catalog: options.catalog ?? createCatalogClient({ url: options.siblingUrls.catalog, signingSecret: options.signingSecret }),
    tokenSecret: options.tokenSecret,
    codeSender: options.codeSender,
    reminderSender: options.reminderSender === undefined ? createConsoleReminderSender() : options.reminderSender,
    loyaltyPointsPerCurrencyUnit: options.loyaltyPointsPerCurrencyUnit ?? DEFAULT_POINTS_PER_CURRENCY_UNIT,
  };
  return createSubgraphServer<CustomerContext>({
    name: CUSTOMER_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(customerSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createCustomerContext(caller, options.database.db, services),
  });
}

import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createConsoleCodeSender, type CodeSender } from './clients/code-sender';
import { createConsoleReminderSender, type ReminderSender } from './clients/reminder-sender';
import { createPersonalDataHolders, type SiblingUrls } from './clients/personal-data-clients';
import { createCustomerContext, type CustomerContext } from './context';
import type { CustomerDatabase } from './db/database';
import { resolvers } from './resolvers';

export const CUSTOMER_SUBGRAPH_NAME = 'customer';
export const customerSchemaFile = new URL('./schema.graphql', import.meta.url);

export interface CustomerSubgraphOptions {
  database: CustomerDatabase;
  signingSecret: string;
  /** Cart and support, asked by `exportCustomerData` and `eraseCustomer`; functions when their ports are picked later. */
  siblingUrls: SiblingUrls;
  /** AUTH_TOKEN_SECRET, shared with the gateway: customer tokens minted at sign-in. */
  tokenSecret: string;
  /** Delivers sign-in codes; prints them by default. */
  codeSender?: CodeSender;
  /** Delivers abandoned-cart reminders; prints them by default. */
  reminderSender?: ReminderSender;
}

export function createCustomerSubgraph(options: CustomerSubgraphOptions) {
  const services = {
    personalDataHolders: createPersonalDataHolders(options.siblingUrls, options.signingSecret),
    tokenSecret: options.tokenSecret,
    codeSender: options.codeSender ?? createConsoleCodeSender(),
    reminderSender: options.reminderSender ?? createConsoleReminderSender(),
  };
  return createSubgraphServer<CustomerContext>({
    name: CUSTOMER_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(customerSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createCustomerContext(caller, options.database.db, services),
  });
}

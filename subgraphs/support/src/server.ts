import { createCustomerDirectoryClient, createSubgraphServer, loadSubgraphTypeDefs, type CustomerDirectory } from '@omni/graphql';
import { createCustomerIdentitiesClient, type CustomerIdentities } from './clients/customer-identity-client';
import { createOfferCodesClient, type OfferCodes } from './clients/offer-code-client';
import { createStaffDirectoryClient, type StaffDirectory } from './clients/staff-directory-client';
import { createSupportContext, type SupportContext } from './context';
import type { SupportDatabase } from './db/database';
import { resolvers } from './resolvers';

export const SUPPORT_SUBGRAPH_NAME = 'support';
export const supportSchemaFile = new URL('./schema.graphql', import.meta.url);

export interface SupportSubgraphOptions {
  database: SupportDatabase;
  signingSecret: string;
  /** The customer subgraph (customer ids, senders' identities); a function when its port is picked later. */
  customerUrl: string | (() => string);
  /** The promotions subgraph, asked about offer codes agents hand over; a function when its port is picked later. */
  promotionsUrl?: string | (() => string);
  /** Answers for the customer subgraph at `customerUrl` when given (tests without one). */
  customers?: CustomerDirectory;
  identities?: CustomerIdentities;
  offerCodes?: OfferCodes;
  staff?: StaffDirectory;
  /** First-response SLA in minutes; 15 when omitted. */
  firstResponseSlaMinutes?: number;
}

export function createSupportSubgraph(options: SupportSubgraphOptions) {
  const signed = { signingSecret: options.signingSecret };
  const services = {
    customers: options.customers ?? createCustomerDirectoryClient({ service: 'support', url: options.customerUrl, ...signed }),
    identities: options.identities ?? createCustomerIdentitiesClient({ url: options.customerUrl, ...signed }),
    offerCodes: options.offerCodes ?? createOfferCodesClient({ url: options.promotionsUrl ?? 'http://127.0.0.1:4004/', ...signed }),
    staff: options.staff ?? createStaffDirectoryClient({ url: options.customerUrl, ...signed }),
    firstResponseSlaMinutes: options.firstResponseSlaMinutes ?? 15,
  };
  return createSubgraphServer<SupportContext>({
    name: SUPPORT_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(supportSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createSupportContext(caller, options.database.db, services),
  });
}

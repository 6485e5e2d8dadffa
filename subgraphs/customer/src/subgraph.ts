/** What other workspaces (the all-in-one runner, tests) use of the customer subgraph. */
export { createCustomerSubgraph, CUSTOMER_SUBGRAPH_NAME, customerSchemaFile, type CustomerSubgraphOptions } from './server';
export { openCustomerDatabase, CUSTOMER_SCHEMA, type CustomerDatabase } from './db/database';
export { seedCustomerDemoData } from './seed';
export { createCustomerEventRelay, startCustomerEventConsumer } from './events';
export { createCodeSender, createConsoleCodeSender, createWebhookCodeSender, type CodeSender, type CodeSenderConfig, type SignInCodeMessage } from './clients/code-sender';
export { loadCodeSenderConfig, loadLoyaltyPointsPerCurrencyUnit, loadReminderSenderConfig } from './env';
export { createConsoleReminderSender, createReminderSender, createWebhookReminderSender, type CartReminder, type ReminderSender, type ReminderSenderConfig } from './clients/reminder-sender';
export type { SiblingUrls } from './clients/personal-data-clients';

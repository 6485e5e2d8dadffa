import { runStandaloneSubgraph } from '@omni/graphql';
import { createCodeSender } from './clients/code-sender';
import { createReminderSender } from './clients/reminder-sender';
import { openCustomerDatabase } from './db/database';
import { loadCustomerEnv } from './env';
import { createCustomerEventRelay } from './events';
import { createCustomerSubgraph } from './server';
import { seedCustomerDemoData } from './seed';

/** Runs the customer subgraph alone, e.g. as one container of docker-compose. */
const env = loadCustomerEnv();
await runStandaloneSubgraph({
  name: 'customer',
  env,
  openDatabase: openCustomerDatabase,
  seed: seedCustomerDemoData,
  startBackgroundWork: (database) => {
    const relay = createCustomerEventRelay({ client: database.client, signingSecret: env.signingSecret, cartUrl: env.siblingUrls.cart, supportUrl: env.siblingUrls.support, promotionsUrl: env.siblingUrls.promotions });
    relay.start();
    return [() => relay.stop()];
  },
  createServer: (database) => {
    return createCustomerSubgraph({
      database,
      signingSecret: env.signingSecret,
      siblingUrls: env.siblingUrls,
      tokenSecret: env.tokenSecret,
      codeSender: createCodeSender(env.codeSender),
      reminderSender: createReminderSender(env.reminderSender),
      loyaltyPointsPerCurrencyUnit: env.loyaltyPointsPerCurrencyUnit,
    });
  },
});

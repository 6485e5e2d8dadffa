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
  createServer: (database) => {
    // The relay needs no graceful stop: a batch it was delivering when the process ends is
    // delivered again by the next relay, and consumers apply it once.
    createCustomerEventRelay({ client: database.client, signingSecret: env.signingSecret, cartUrl: env.siblingUrls.cart, supportUrl: env.siblingUrls.support, promotionsUrl: env.siblingUrls.promotions }).start();
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

import { createEventBus } from '@omni/events';
import { runStandaloneSubgraph } from '@omni/graphql';
import { createCodeSender } from './clients/code-sender';
import { createReminderSender } from './clients/reminder-sender';
import { openCustomerDatabase } from './db/database';
import { loadCustomerEnv } from './env';
import { createCustomerEventRelay, startCustomerEventConsumer } from './events';
import { createCustomerSubgraph } from './server';
import { seedCustomerDemoData } from './seed';

/** Runs the customer subgraph alone, e.g. as one container of docker-compose. */
const env = loadCustomerEnv();
// Connected before serving: an event bus that cannot be reached is a start-up error, never a silent fallback.
const eventBus = await createEventBus({ ...env.eventBus, name: 'customer' });
// One sender for the mutation and the bus consumer alike.
const reminderSender = createReminderSender(env.reminderSender);
await runStandaloneSubgraph({
  name: 'customer',
  env,
  openDatabase: openCustomerDatabase,
  seed: seedCustomerDemoData,
  startBackgroundWork: (database) => {
    const relay = createCustomerEventRelay({ client: database.client, signingSecret: env.signingSecret, cartUrl: env.siblingUrls.cart, supportUrl: env.siblingUrls.support, promotionsUrl: env.siblingUrls.promotions, eventBus });
    relay.start();
    const consumer = eventBus.jetstream
      ? startCustomerEventConsumer(eventBus.jetstream, { db: database.db, reminderSender, loyaltyPointsPerCurrencyUnit: env.loyaltyPointsPerCurrencyUnit })
      : null;
    return [
      async () => {
        await relay.stop();
        await (await consumer)?.stop();
        await eventBus.close();
      },
    ];
  },
  createServer: (database) => {
    return createCustomerSubgraph({
      database,
      signingSecret: env.signingSecret,
      siblingUrls: env.siblingUrls,
      tokenSecret: env.tokenSecret,
      codeSender: createCodeSender(env.codeSender),
      reminderSender,
      loyaltyPointsPerCurrencyUnit: env.loyaltyPointsPerCurrencyUnit,
    });
  },
});

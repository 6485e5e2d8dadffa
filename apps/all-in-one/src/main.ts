import { isTableEmpty } from '@omni/db';
import { createEventBus } from '@omni/events';
import { stopOnTerminationSignals } from '@omni/graphql';
import { createMessengerIngress, servedProviders } from '@omni/messenger-ingress';
import { logger, startObservability } from '@omni/observability';
import { createCodeSender, createReminderSender } from '@omni/subgraph-customer';
import { mintDemoToken } from './demo-tokens';
import { loadAllInOneEnv } from './env';
import { openClient } from './open-client';
import { startSupergraph } from './start-supergraph';

/** npm start: the gateway and five subgraphs in one process, seeded on the first start. */
const env = loadAllInOneEnv();
// First, so that the database driver's statements are traced when tracing is on.
await startObservability(env.observability);
const client = await openClient(env);
const firstStart = await isFirstStart();
const eventBus = await createEventBus({ ...env.eventBus, name: 'omnigraph' });
const supergraph = await startSupergraph({
  eventBus,
  databases: client,
  signingSecret: env.signingSecret,
  tokenSecret: env.tokenSecret,
  host: env.host,
  ports: { gateway: env.port },
  seedDemoData: firstStart,
  logSql: env.logSql,
  codeSender: createCodeSender(env.codeSender),
  reminderSender: createReminderSender(env.reminderSender),
  loyaltyPointsPerCurrencyUnit: env.loyaltyPointsPerCurrencyUnit,
  responseCache: env.responseCache,
});
// Messenger webhooks and the bot: a service of its own that calls support and the gateway over HTTP.
const messengerIngress = await createMessengerIngress({
  ...env.messengerIngress,
  supportUrl: supergraph.subgraphUrls.support,
  gatewayUrl: supergraph.gatewayUrl,
  signingSecret: env.signingSecret,
  tokenSecret: env.tokenSecret,
}).listen(env.messengerIngress.port, env.host);

// A banner for a terminal; a log shipper (JSON lines) gets the same as one line.
if (env.observability.logFormat === 'json') {
  logger.info({ gateway: supergraph.gatewayUrl, subgraphs: supergraph.subgraphUrls, messengerIngress: messengerIngress.url, demoDataLoaded: firstStart }, 'omnigraph running');
} else console.log(`
Omnigraph is running on ${env.databaseUrl ? 'the Postgres server at DATABASE_URL' : `embedded Postgres in ${env.pgliteDir}`}${firstStart ? ' (demo data loaded)' : ''}.

  Gateway     ${supergraph.gatewayUrl}
  Subgraphs   ${Object.entries(supergraph.subgraphUrls).map(([name, url]) => `${name} ${url}`).join('\n              ')}
  Messengers  ${messengerIngress.url} (${servedProviders(env.messengerIngress.providers).join(', ')}; see apps/messenger-ingress/README.md)
`);
// Demo tokens are signed with the real secret: in production the log would hand out working logins.
if (!env.production) await printDemoTokens();

async function printDemoTokens(): Promise<void> {
  const annaToken = await mintDemoToken(env.tokenSecret, 'customer', 'anna');
  const cashierToken = await mintDemoToken(env.tokenSecret, 'staff', 'berlin-cashier');
  console.log(`Demo tokens (valid 30 days; mint others with \`npm run token -- <customer|staff|partner|admin|guest> [key]\`):
  Anna, customer on the web:   ${annaToken}
  Lena, cashier in Berlin:     ${cashierToken}

Try it:
  TOKEN=${annaToken}
  curl -s ${supergraph.gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    --data '{"query":"{ me { displayName cart { totalQuantity total { amount currencyCode } } } }"}'

Example operations for every kind of client are in examples/.
`);
}

async function isFirstStart(): Promise<boolean> {
  try {
    return await isTableEmpty(client, 'customer.customers');
  } catch {
    // The schema does not exist yet: migrations have never run here.
    return true;
  }
}

stopOnTerminationSignals(async () => {
  // Webhooks first: a message taken in still reaches support and the bot before they go.
  await messengerIngress.stop();
  await supergraph.stop();
  await eventBus.close();
  await client.close();
});

import { stopOnTerminationSignals } from '@omni/graphql';
import { loadIngressEnv } from './env';
import { createMessengerIngress, servedProviders } from './server';

/** Runs the messenger webhook ingress alone, e.g. as a docker-compose service. */
const env = loadIngressEnv();
const running = await createMessengerIngress(env).listen(env.port, env.host);
console.log(`messenger ingress listening at ${running.url} (${servedProviders(env.providers).join(', ')}; bot ${env.bot ? 'on' : 'off'})`);

stopOnTerminationSignals(() => running.stop());


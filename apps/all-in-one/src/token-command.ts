import { isChannel } from '@omni/auth';
import { DEMO_TOKEN_ROLES, mintDemoToken, type DemoTokenRole } from './demo-tokens';
import { loadAllInOneEnv } from './env';

/**
 * npm run token -- <role> [key] [--channel CHANNEL]
 *   npm run token -- customer anna --channel MOBILE_APP
 *   npm run token -- staff berlin-cashier
 *   npm run token -- staff support-agent --channel CALL_CENTER
 *   npm run token -- partner acme
 */
const args = process.argv.slice(2);
const channelFlag = args.indexOf('--channel');
const channel = channelFlag >= 0 ? args[channelFlag + 1] : undefined;
const [role, key] = args.filter((_, index) => channelFlag < 0 || (index !== channelFlag && index !== channelFlag + 1));

if (!role || !(DEMO_TOKEN_ROLES as readonly string[]).includes(role)) {
  console.error(`usage: npm run token -- <${DEMO_TOKEN_ROLES.join('|')}> [key] [--channel CHANNEL]`);
  process.exit(2);
}
if (channel !== undefined && !isChannel(channel)) {
  console.error(`unknown channel ${channel}`);
  process.exit(2);
}
const env = loadAllInOneEnv();
console.log(await mintDemoToken(env.tokenSecret, role as DemoTokenRole, key, channel));

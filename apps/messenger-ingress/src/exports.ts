/** What `npm start` (apps/all-in-one) and the end-to-end tests use to run the ingress in their process. */
export { createMessengerIngress, servedProviders, type MessengerIngressOptions, type ProviderSecrets, type RunningIngress } from './server';
export { DEFAULT_INGRESS_PORT, loadProviderSettings, type ProviderSettings } from './env';
export { hubSignature } from './provider-auth';
export { BOT_TOKEN_LIFETIME_SECONDS } from './bot/live-data';

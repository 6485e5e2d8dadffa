import type { Caller } from '@omni/auth';

/** Per-request gateway context: the authenticated caller and its signature, made lazily once. */
export interface GatewayContext {
  caller: Caller;
  signedCaller?: Promise<string>;
}

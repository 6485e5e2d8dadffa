import { testEnv } from './env';

/** EVENT_BUS_URL of the test run: e2e supergraphs then deliver domain events through it. */
export const testEventBusUrl = (): string | undefined => testEnv.eventBusUrl;

import { describe, expect, it } from 'vitest';
import { EnvError, loadEventBusEnv } from '../src/index';

describe('EVENT_BUS_URL', () => {
  it('is the embedded default when unset or empty (docker-compose passes `${EVENT_BUS_URL:-}` through)', () => {
    expect(loadEventBusEnv({})).toEqual({ url: undefined, namespace: 'omni' });
    expect(loadEventBusEnv({ EVENT_BUS_URL: '', EVENT_BUS_NAMESPACE: '' })).toEqual({ url: undefined, namespace: 'omni' });
  });

  it('takes NATS and Postgres URLs with a namespace of their own', () => {
    expect(loadEventBusEnv({ EVENT_BUS_URL: 'nats://nats:4222', EVENT_BUS_NAMESPACE: 'shop_eu' })).toEqual({ url: 'nats://nats:4222', namespace: 'shop_eu' });
    expect(loadEventBusEnv({ EVENT_BUS_URL: 'postgresql://postgres@db:5432/omni' }).url).toBe('postgresql://postgres@db:5432/omni');
  });

  it('refuses another scheme and a namespace that cannot name a stream and a channel', () => {
    expect(() => loadEventBusEnv({ EVENT_BUS_URL: 'redis://cache:6379' })).toThrow(EnvError);
    expect(() => loadEventBusEnv({ EVENT_BUS_URL: 'nats://nats:4222', EVENT_BUS_NAMESPACE: 'Shop.EU' })).toThrow(/EVENT_BUS_NAMESPACE/);
  });
});

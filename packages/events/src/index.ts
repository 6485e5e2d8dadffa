export * from './domain-event';
export * from './tables';
export * from './outbox';
export * from './relay';
export * from './inbox';
export * from './http-delivery';

export * from './test-database';
export * from './graphql-client';
export * from './callers';
export * from './malformed-requests';
export * from './otlp-receiver';
export * from './event-bus';

export * from './client';
export * from './database';
export * from './migrate';
export * from './ids';
export * from './errors';
export * from './child-pages';
export * from './prepared-statements';

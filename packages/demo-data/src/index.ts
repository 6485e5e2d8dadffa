export * from './random';
export * from './locations';
export * from './catalog';
export * from './people';
export * from './scenario';

export * from './channels';
export * from './caller';
export * from './access-token';
export * from './signed-context';
export * from './access-token-cache';
export * from './unbound-caller-context';

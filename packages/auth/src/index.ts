export * from './channels';
export * from './caller';
export * from './access-token';
export * from './signed-context';

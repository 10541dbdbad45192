export * from './errors';
export * from './limits';
export * from './realtime';
export * from './rest';
export * from './payments';
export * from './masking-settings';
export * from './security';

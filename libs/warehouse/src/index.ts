export * from './warehouse';
export * from './schema';
export * from './load-rows';

export * from './warehouse';
export * from './schema';
export * from './facts';
export * from './load-rows';

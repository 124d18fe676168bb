export * from './warehouse';
export * from './schema';

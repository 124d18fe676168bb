export * from './special';
export * from './quantiles';
export * from './intervals';
export * from './funnels';
export * from './compare';
export * from './change';
export * from './suppression';

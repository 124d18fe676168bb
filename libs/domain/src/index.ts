export * from './client-groups';
export * from './measures';
export * from './metrics';
export * from './typology';
export * from './periods';
export * from './reference';
export * from './csv';
export * from './registry-seed';
export { buildReference } from './build-reference';

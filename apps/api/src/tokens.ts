/** Injection tokens for values that are not classes. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const WAREHOUSE = Symbol('WAREHOUSE');
export const PUBLISHED_RELEASES = Symbol('PUBLISHED_RELEASES');
export const READ_PROCESS_STATE = Symbol('READ_PROCESS_STATE');

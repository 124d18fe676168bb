/**
 * Whether an error means the registry database (PostgreSQL) cannot be reached: the connection was refused,
 * reset or terminated, the server is shutting down or starting, or the pool is gone. Such errors answer 503
 * with Retry-After (see ApiExceptionFilter) rather than 500. Looks through the wrappers TypeORM and
 * node-postgres put around the cause (driverError, cause, AggregateError.errors).
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections, class 08: connection exceptions.
const SQLSTATE = /^(57P0[123]|53300|08[0-9A-Z]{3})$/;
const MESSAGES = new RegExp([
  'Connection terminated', 'terminating connection', 'Driver not Connected', 'Cannot use a pool after calling end',
  'Client has encountered a connection error', 'timeout exceeded when trying to connect', 'Connection ended unexpectedly',
  'the database system is (starting up|shutting down|in recovery mode)',
].join('|'), 'i');

function nested(err: Record<string, unknown>): unknown[] {
  const inner = [err.driverError, err.cause, err.originalError];
  if (Array.isArray(err.errors)) inner.push(...err.errors);
  return inner.filter((e) => e !== undefined && e !== null);
}

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as Record<string, unknown>;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || SQLSTATE.test(code)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return nested(e).some((inner) => isDatabaseUnavailable(inner, depth + 1));
}

import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One TypeORM configuration for real PostgreSQL and embedded PGlite; only the pool size differs. */
export function dataSourceOptions(url: string, embedded: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // A connection attempt that gets no answer fails after 5 s instead of hanging (requests answer 503);
    // keep-alive notices a dead server on idle connections; the pool's error handler (TypeORM's) keeps an
    // idle connection's error from crashing the process, and new connections are made once the server is back.
    connectTimeoutMS: 5000,
    extra: { max: embedded ? 1 : 10, keepAlive: true },
    logging: ['error'],
  };
}

import { Initial1763800000000 } from './1763800000000-initial';
import { ReleaseIntegrity1763900000000 } from './1763900000000-release-integrity';
import { ApiKeyScrypt1764000000000 } from './1764000000000-api-key-scrypt';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [Initial1763800000000, ReleaseIntegrity1763900000000, ApiKeyScrypt1764000000000];

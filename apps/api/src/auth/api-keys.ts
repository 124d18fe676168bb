/** Key material: `uk_<prefix>_<secret>`; only sha256(key) is stored, the prefix finds the row. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface GeneratedKey { key: string; prefix: string; hash: string }

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): GeneratedKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `uk_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashKey(key) };
}

export function prefixOf(key: string): string | null {
  const m = /^uk_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key);
  return m ? m[1] : null;
}

export function hashMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

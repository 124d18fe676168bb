/**
 * Key material: `uk_<prefix>_<secret>`; the prefix finds the row, only a slow hash of the whole key is stored:
 * `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url), with a random salt per key and the parameters kept beside
 * the hash so they can be raised later. Rows from before scrypt hold sha256(key) as 64 hex digits; they
 * still verify and are rehashed on their next successful use.
 */
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export interface GeneratedKey { key: string; prefix: string; hash: string }

interface ScryptParams { N: number; r: number; p: number }

/** 16 MiB and tens of milliseconds per hash: costly to guess at, cheap enough once per key and minute (see KeyCache). */
export const SCRYPT_PARAMS: ScryptParams = { N: 1 << 14, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const maxmem = (q: ScryptParams) => 256 * q.N * q.r;
const LEGACY_SHA256 = /^[0-9a-f]{64}$/;

/** A fast, unsalted digest of a presented key: only for in-memory lookups, never stored. */
export function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function encode(q: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `scrypt$${q.N}$${q.r}$${q.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function hashKeySync(key: string, q: ScryptParams = SCRYPT_PARAMS): string {
  const salt = randomBytes(SALT_BYTES);
  return encode(q, salt, scryptSync(key, salt, KEY_LENGTH, { ...q, maxmem: maxmem(q) }));
}

function scryptAsync(key: string, salt: Buffer, length: number, q: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(key, salt, length, { ...q, maxmem: maxmem(q) }, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Hashes off the event loop (libuv's thread pool). */
export async function hashKey(key: string, q: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return encode(q, salt, await scryptAsync(key, salt, KEY_LENGTH, q));
}

export function generateKey(): GeneratedKey {
  const { key, prefix } = newKeyMaterial();
  return { key, prefix, hash: hashKeySync(key) };
}

export function newKeyMaterial(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  return { key: `uk_${prefix}_${randomBytes(24).toString('base64url')}`, prefix };
}

export function prefixOf(key: string): string | null {
  const m = /^uk_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key);
  return m ? m[1] : null;
}

/** A stored hash from before scrypt (sha256 hex), to be replaced on the key's next successful use. */
export function isLegacyHash(stored: string): boolean {
  return LEGACY_SHA256.test(stored);
}

function parseScrypt(stored: string): { q: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return null;
  const q = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (q.N > 1 << 20 || q.r > 32 || q.p > 16) return null;
  return { q, salt: Buffer.from(m[4], 'base64url'), hash: Buffer.from(m[5], 'base64url') };
}

export async function keyMatches(key: string, stored: string): Promise<boolean> {
  if (isLegacyHash(stored)) return timingSafeEqual(Buffer.from(fingerprint(key), 'hex'), Buffer.from(stored, 'hex'));
  const parsed = parseScrypt(stored);
  if (!parsed) return false;
  const candidate = await scryptAsync(key, parsed.salt, parsed.hash.length, parsed.q);
  return timingSafeEqual(candidate, parsed.hash);
}

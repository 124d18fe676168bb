/**
 * Successful authentications, kept briefly in memory so that a key's slow hash is computed about once per
 * key and minute instead of on every request. Entries are found by a fast digest of the presented key and
 * dropped for a key id when it is revoked or rotated; a revoked key is therefore refused at once.
 */
import { fingerprint } from './api-keys';

export interface CachedKey { id: string; role: 'admin' | 'submitter'; organisationCode: string | null }

export class KeyCache {
  private readonly entries = new Map<string, { key: CachedKey; until: number }>();
  /** Ids revoked in this process: an authentication that raced with the revocation is not cached. */
  private readonly revoked = new Set<string>();

  constructor(private readonly ttlMs = 60_000, private readonly maxEntries = 10_000, private readonly now: () => number = Date.now) {}

  get(presented: string): CachedKey | null {
    const digest = fingerprint(presented);
    const hit = this.entries.get(digest);
    if (!hit) return null;
    if (hit.until <= this.now()) {
      this.entries.delete(digest);
      return null;
    }
    return hit.key;
  }

  set(presented: string, key: CachedKey) {
    if (this.revoked.has(key.id)) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(fingerprint(presented), { key, until: this.now() + this.ttlMs });
  }

  forget(id: string) {
    this.revoked.add(id);
    for (const [digest, entry] of this.entries) if (entry.key.id === id) this.entries.delete(digest);
  }

  clear() {
    this.entries.clear();
  }
}

/**
 * A fixed-window request counter per key (client address or API key), in memory. Windows that have ended
 * are swept when the table grows, and the table never holds more than `maxKeys` keys, so a flood of
 * addresses cannot exhaust memory.
 */
export interface LimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window of this key ends (at least 1). */
  resetSeconds: number;
}

interface Window { start: number; count: number }

export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Counts one request of `key` and says whether it is within the limit. */
  hit(key: string): LimitDecision {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (!w) this.makeRoom(t);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return {
      allowed: w.count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000)),
    };
  }

  /** Forgets every key (configuration changes, tests). */
  clear() {
    this.windows.clear();
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(t: number) {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(key);
    // Still full: drop the oldest keys (a Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** The part of a client address that identifies one client: IPv4 as is, IPv6 by its /64 network. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!address.includes(':')) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...middle, ...right].map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, ''));
}

/** CLI calls to a running server (admin actions go through the API so one process owns the stores). */
import type { CliArgs } from './command';

export function serverUrl(args: CliArgs): string {
  const v = args.flags.url;
  return (typeof v === 'string' ? v : process.env.UITKOMST_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
}

export function apiKey(args: CliArgs): string {
  const v = args.flags.key;
  const key = typeof v === 'string' ? v : process.env.UITKOMST_KEY;
  if (!key) throw new Error('--key KEY (or UITKOMST_KEY) is required');
  return key;
}

export async function apiCall(args: CliArgs, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(serverUrl(args) + path, {
    method,
    headers: { authorization: `Bearer ${apiKey(args)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const parsed = text ? (() => { try { return JSON.parse(text); } catch { return text; } })() : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${typeof parsed === 'string' ? parsed : JSON.stringify(parsed)}`);
  return parsed;
}

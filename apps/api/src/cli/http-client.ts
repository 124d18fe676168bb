/** CLI calls to a running server (admin actions go through the API so one process owns the stores). */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
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

/**
 * POSTs a file as the raw body, streamed from disk in 1 MB chunks (fetch with a file Blob moves large files at
 * half the speed); resolves with the status and the parsed JSON answer.
 */
export function postFile(url: string, headers: Record<string, string>, file: string): Promise<{ status: number; body: any }> {
  const size = fs.statSync(file).size;
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(size) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any = {};
        try { body = text ? JSON.parse(text) : {}; } catch { body = { message: text }; }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    source.on('error', (err) => req.destroy(err));
    source.pipe(req);
  });
}

/** The plain parts of READ_PROCESSES: whom the main process trusts for the client's address, the forwarded headers, and releases over IPC. */
import { NotFoundException, HttpException } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { trustInternalHop } from '../src/read-processes/internal-hop';
import { IpcReleases, receivedError, sendableError } from '../src/read-processes/ipc-releases';
import { forwardedHeaders } from '../src/read-processes/read-app';
import type { Release } from '../src/releases/release.entity';

describe('trustInternalHop', () => {
  it('trusts the unix socket hop (no address) and judges every other address by TRUST_PROXY', () => {
    const none = trustInternalHop(false);
    expect(none(undefined, 0)).toBe(true);
    expect(none(undefined, 1)).toBe(false);
    expect(none('127.0.0.1', 0)).toBe(false);
    expect(none('10.0.0.1', 1)).toBe(false);
    const loopback = trustInternalHop('loopback, 10.0.0.0/8');
    expect(loopback('127.0.0.1', 0)).toBe(true);
    expect(loopback('10.2.3.4', 1)).toBe(true);
    expect(loopback('192.168.1.1', 0)).toBe(false);
    const hops = trustInternalHop(2);
    expect([hops('1.1.1.1', 0), hops('1.1.1.1', 1), hops('1.1.1.1', 2)]).toEqual([true, true, false]);
    expect(trustInternalHop(true)('8.8.8.8', 5)).toBe(true);
  });
});

describe('forwardedHeaders', () => {
  it('replaces the client\'s X-Forwarded-For by the address the read process determined, and keeps the Host', () => {
    const sent = { host: 'unix', 'x-forwarded-for': '6.6.6.6', authorization: 'Bearer k', 'content-type': 'text/csv' };
    expect(forwardedHeaders(sent, 'uitkomst.example.nl', '10.0.0.7')).toEqual({ host: 'uitkomst.example.nl', 'x-forwarded-for': '10.0.0.7', authorization: 'Bearer k', 'content-type': 'text/csv' });
    expect(forwardedHeaders(sent, undefined, undefined)).toEqual({ host: 'unix', authorization: 'Bearer k', 'content-type': 'text/csv' });
  });
});

/** The two ends of a fork's IPC channel, in one process: what the read process sends arrives at the main process and back. */
function channelPair() {
  const child = Object.assign(new EventEmitter(), { connected: true, sent: [] as any[], send: (m: any) => { child.sent.push(m); setImmediate(() => main.emit('message', m)); return true; } });
  const main = Object.assign(new EventEmitter(), { answer: (m: any) => setImmediate(() => child.emit('message', m)) });
  return { child, main };
}

describe('IpcReleases', () => {
  const release = { id: '2026.2', manifestSha256: 'ab'.repeat(32) } as Release;
  const manifest = { id: '2026.2', files: [] } as any;

  it('asks the main process for a release, keeps the verified manifest that came with it, and matches answers to questions', async () => {
    const { child, main } = channelPair();
    main.on('message', (m: any) => {
      if (m.release === '2026.2' || m.release === 'latest') main.answer({ t: 'release', id: m.id, release, manifest });
      else main.answer({ t: 'release', id: m.id, error: sendableError(new NotFoundException({ statusCode: 404, parameter: 'release', allowed: ['latest', '2026.2'] })) });
    });
    const releases = new IpcReleases(child as any);
    const [latest, missing] = await Promise.allSettled([releases.get('latest'), releases.get('1999.1')]);
    expect(latest).toEqual({ status: 'fulfilled', value: release });
    expect(missing.status).toBe('rejected');
    const err = (missing as PromiseRejectedResult).reason as HttpException;
    expect(err).toBeInstanceOf(HttpException);
    expect([err.getStatus(), err.getResponse()]).toEqual([404, { statusCode: 404, parameter: 'release', allowed: ['latest', '2026.2'] }]);
    const asked = child.sent.length;
    expect(await releases.verify(release)).toBe(manifest);
    expect(child.sent.length).toBe(asked); // no second question
    expect(child.sent.map((m) => m.release)).toEqual(['latest', '1999.1']);
  });

  it('tells its listeners of a published release, and fails what is pending when the main process goes', async () => {
    const { child } = channelPair();
    const releases = new IpcReleases(child as any);
    const heard: string[] = [];
    releases.onPublished((r) => heard.push(r.id));
    child.emit('message', { t: 'published', release });
    expect(heard).toEqual(['2026.2']);
    const pending = releases.get('latest');
    child.emit('disconnect');
    await expect(pending).rejects.toThrow('the main process has gone');
    child.connected = false;
    await expect(releases.get('latest')).rejects.toThrow('the main process has gone');
  });

  it('keeps an error\'s kind across the boundary: an HTTP error its status and body, any other a plain error', () => {
    const e = receivedError(sendableError(new HttpException({ statusCode: 503, message: 'fails its checksum verification' }, 503)));
    expect(e).toBeInstanceOf(HttpException);
    expect((e as HttpException).getStatus()).toBe(503);
    const plain = receivedError(sendableError(new Error('disk gone')));
    expect(plain).not.toBeInstanceOf(HttpException);
    expect(plain.message).toBe('disk gone');
  });
});

/**
 * Releases across processes: a read process asks the main process, which alone holds the registry, for a
 * published release and its verified manifest, and hears from it when a release is published.
 */
import { HttpException } from '@nestjs/common';
import type { ChildProcess } from 'node:child_process';
import type { PublishedReleases } from '../releases/published-releases';
import type { ReleaseManifest } from '../releases/release-manifest';
import type { Release } from '../releases/release.entity';

interface ReleaseQuestion { t: 'release'; id: number; release: string }
interface SentError { status: number | null; response: string | object; message: string }
type ReleaseAnswer = { t: 'release'; id: number; release: Release; manifest: ReleaseManifest } | { t: 'release'; id: number; error: SentError };
interface Published { t: 'published'; release: Release }

/** An error as it crosses the process boundary: an HTTP error keeps its status and body (a 404 names the published ids). */
export function sendableError(err: unknown): SentError {
  if (err instanceof HttpException) return { status: err.getStatus(), response: err.getResponse(), message: err.message };
  return { status: null, response: String(err), message: err instanceof Error ? err.message : String(err) };
}

export function receivedError(e: SentError): Error {
  return e.status === null ? new Error(e.message) : new HttpException(e.response, e.status);
}

/** Main process: answers a read process's questions from the registry, and tells it of every new release. */
export function answerReleaseQuestions(child: ChildProcess, releases: PublishedReleases): void {
  const send = (message: ReleaseAnswer | Published) => {
    // a read process that has just exited misses its answer; it is replaced and asks again
    if (child.connected) child.send(message, () => undefined);
  };
  child.on('message', (m: ReleaseQuestion) => {
    if (m?.t !== 'release') return;
    releases.get(m.release)
      .then(async (release) => send({ t: 'release', id: m.id, release, manifest: await releases.verify(release) }))
      .catch((err: unknown) => send({ t: 'release', id: m.id, error: sendableError(err) }));
  });
}

export function announcePublished(child: ChildProcess, release: Release): void {
  if (child.connected) child.send({ t: 'published', release } satisfies Published, () => undefined);
}

/** Read process: the registry's published releases, asked of the main process over the IPC channel. */
export class IpcReleases implements PublishedReleases {
  private asked = 0;
  private readonly pending = new Map<number, { resolve: (a: { release: Release; manifest: ReleaseManifest }) => void; reject: (e: Error) => void }>();
  private readonly manifests = new Map<string, ReleaseManifest>();
  private readonly listeners: ((release: Release) => void)[] = [];

  constructor(private readonly channel: NodeJS.Process = process) {
    channel.on('message', (m: ReleaseAnswer | Published) => {
      if (m?.t === 'published') for (const listener of this.listeners) listener(m.release);
      if (m?.t !== 'release') return;
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) waiting?.reject(receivedError(m.error));
      else waiting?.resolve(m);
    });
    channel.on('disconnect', () => {
      for (const { reject } of this.pending.values()) reject(new Error('the main process has gone'));
      this.pending.clear();
    });
  }

  private ask(idOrLatest: string): Promise<{ release: Release; manifest: ReleaseManifest }> {
    if (!this.channel.connected || !this.channel.send) return Promise.reject(new Error('the main process has gone'));
    const id = ++this.asked;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.channel.send!({ t: 'release', id, release: idOrLatest } satisfies ReleaseQuestion);
    });
  }

  async get(idOrLatest: string): Promise<Release> {
    const { release, manifest } = await this.ask(idOrLatest);
    this.manifests.set(release.id, manifest);
    return release;
  }

  /** The main process verified the files before it answered; the manifest came with the release. */
  async verify(release: Release): Promise<ReleaseManifest> {
    return this.manifests.get(release.id) ?? (await this.ask(release.id)).manifest;
  }

  onPublished(listener: (release: Release) => void): void {
    this.listeners.push(listener);
  }
}

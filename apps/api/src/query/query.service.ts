import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config';
import { Release } from '../releases/release.entity';
import { releaseDir } from '../releases/release-manifest';
import type { PublishedReleases } from '../releases/published-releases';
import { APP_CONFIG, PUBLISHED_RELEASES } from '../tokens';
import { negotiateFormat } from './formats';
import type { Answer } from './metrics-queries';
import { assertKnownParams, RawQuery, singleParam } from './query-params';
import { LoadedRelease, ReleaseStore } from './release-store';
import { ResponseCache, sendAnswer } from './response-cache';

const LATEST_TTL_MS = 2000;

export interface OpenRelease { release: Release; rel: LoadedRelease; latest: boolean }

/** Resolves `release` (an id or latest), verifies and loads it once, and answers with caching and format negotiation. */
@Injectable()
export class QueryService implements OnModuleDestroy {
  readonly store: ReleaseStore;
  readonly cache = new ResponseCache();
  private latest: { release: Release; at: number } | null = null;
  private readonly byId = new Map<string, Release>();

  constructor(@Inject(PUBLISHED_RELEASES) private readonly releases: PublishedReleases, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.store = new ReleaseStore(config.duckdb);
    releases.onPublished(() => {
      this.latest = null;
    });
  }

  async onModuleDestroy() {
    await this.store.close();
  }

  private async resolve(idOrLatest: string): Promise<Release> {
    if (idOrLatest === 'latest') {
      if (this.latest && Date.now() - this.latest.at < LATEST_TTL_MS) return this.latest.release;
      const release = await this.releases.get('latest');
      this.latest = { release, at: Date.now() };
      return release;
    }
    const known = this.byId.get(idOrLatest);
    if (known) return known;
    const release = await this.releases.get(idOrLatest);
    this.byId.set(release.id, release);
    return release;
  }

  /** A published, checksum-verified release, loaded into the query store. */
  async open(idOrLatest = 'latest'): Promise<OpenRelease> {
    const release = await this.resolve(idOrLatest);
    const rel = await (this.store.loadedRelease(release.id) ?? this.store.load(await this.releases.verify(release), releaseDir(this.config.dataDir, release.id)));
    return { release, rel, latest: idOrLatest === 'latest' };
  }

  /** The shared path of every read endpoint: known parameters, format, release, validation, then a cached answer. */
  async respond<P>(
    req: FastifyRequest, reply: FastifyReply, endpoint: string, query: RawQuery, known: readonly string[],
    parse: (rel: LoadedRelease, q: RawQuery) => P, run: (store: ReleaseStore, rel: LoadedRelease, p: P) => Promise<Answer>,
  ): Promise<void> {
    assertKnownParams(query, [...known, 'release', 'format']);
    const format = negotiateFormat(req.headers.accept, singleParam(query, 'format'));
    const { release, rel, latest } = await this.open(singleParam(query, 'release') ?? 'latest');
    const params = parse(rel, query);
    await sendAnswer(req, reply, this.cache, {
      releaseId: rel.id, manifestSha256: release.manifestSha256 ?? '', latest, endpoint, params, format, filename: `uitkomst-${rel.id}-${endpoint}`,
    }, () => run(this.store, rel, params));
  }
}

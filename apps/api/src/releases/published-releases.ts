import type { ReleaseManifest } from './release-manifest';
import type { Release } from './release.entity';

/**
 * What the read API needs of the registry's releases: ReleasesService in the main process, a request over IPC
 * to it in a read process (read-processes/ipc-releases.ts).
 */
export interface PublishedReleases {
  /** A published release by id or `latest`; a 404 naming the published ids otherwise. */
  get(idOrLatest: string): Promise<Release>;
  /** Its manifest, once the files on disk match the checksums recorded at publication. */
  verify(release: Release): Promise<ReleaseManifest>;
  onPublished(listener: (release: Release) => void): void;
}

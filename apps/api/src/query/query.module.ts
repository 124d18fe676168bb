import { Module } from '@nestjs/common';
import { ReleasesModule } from '../releases/releases.module';
import { ReleasesService } from '../releases/releases.service';
import { PUBLISHED_RELEASES } from '../tokens';
import { CodebookController } from './codebook.controller';
import { DownloadsController } from './downloads.controller';
import { QueryController } from './query.controller';
import { QueryService } from './query.service';
import { ReleaseDownloads } from './release-downloads';

@Module({ imports: [ReleasesModule], controllers: [QueryController, CodebookController, DownloadsController], providers: [{ provide: PUBLISHED_RELEASES, useExisting: ReleasesService }, QueryService, ReleaseDownloads], exports: [QueryService] })
export class QueryModule {}

import { Module } from '@nestjs/common';
import { ReleasesModule } from '../releases/releases.module';
import { CodebookController } from './codebook.controller';
import { DownloadsController } from './downloads.controller';
import { QueryController } from './query.controller';
import { QueryService } from './query.service';
import { ReleaseDownloads } from './release-downloads';

@Module({ imports: [ReleasesModule], controllers: [QueryController, CodebookController, DownloadsController], providers: [QueryService, ReleaseDownloads], exports: [QueryService] })
export class QueryModule {}

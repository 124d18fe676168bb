import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { BackupController } from './backup.controller';
import { BackupService } from './backup.service';

/** Online backups through the running server (restore is offline: `npm run restore`). */
@Module({ imports: [IngestionModule], controllers: [BackupController], providers: [BackupService] })
export class BackupModule {}

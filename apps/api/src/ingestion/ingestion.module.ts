import { Module } from '@nestjs/common';
import { FactsHistoryController } from './facts-history.controller';
import { IngestionService } from './ingestion.service';
import { MeasuresController } from './measures.controller';
import { SubmissionReadsService } from './submission-reads.service';
import { SubmissionsController } from './submissions.controller';

/** Uploads of indicators: receive, validate set-based in DuckDB, accept all or nothing, read back. */
@Module({
  controllers: [SubmissionsController, FactsHistoryController, MeasuresController],
  providers: [IngestionService, SubmissionReadsService],
  exports: [IngestionService],
})
export class IngestionModule {}

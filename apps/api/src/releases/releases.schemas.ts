/** OpenAPI schemas of release metadata. */
import { ApiProperty } from '@nestjs/swagger';

export class ManifestFileDto {
  @ApiProperty({ example: 'metrics.parquet' }) name!: string;
  @ApiProperty({ enum: ['metrics', 'facts', 'peers', 'typology', 'sites', 'codebook'] }) table!: string;
  @ApiProperty({ nullable: true, type: Number, example: 120345 }) rows!: number | null;
  @ApiProperty({ example: 2048576 }) bytes!: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256!: string;
  @ApiProperty({ required: false, example: [{ name: 'metric', type: 'VARCHAR' }] }) columns?: { name: string; type: string }[];
}

export class ManifestDto {
  @ApiProperty({ example: '2026.1' }) id!: string;
  @ApiProperty({ example: 1 }) sequence!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ example: '2026-03-01T12:00:00.000Z' }) publishedAt!: string;
  @ApiProperty({ example: '1.0' }) metricDefinitionVersion!: string;
  @ApiProperty() metricDefinitionSha256!: string;
  @ApiProperty({ example: 10 }) minDenominator!: number;
  @ApiProperty({ type: [String], description: 'Accepted submission ids included' }) submissions!: string[];
  @ApiProperty({ type: [ManifestFileDto] }) files!: ManifestFileDto[];
  @ApiProperty({ example: { from: '2016-01-01', to: '2025-12-31' } }) periods!: { from: string | null; to: string | null };
  @ApiProperty({ example: { data: 'CC-BY-4.0', code: 'EUPL-1.2' } }) licence!: { data: string; code: string };
  @ApiProperty() citation!: string;
}

export class ReleaseSummaryDto {
  @ApiProperty({ example: '2026.1', description: '<year of publication>.<number within the year>' }) id!: string;
  @ApiProperty({ example: 1 }) sequence!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ example: '2026-03-01T12:00:00.000Z' }) publishedAt!: string;
  @ApiProperty({ example: '1.0' }) metricDefinitionVersion!: string;
  @ApiProperty({ example: { metrics: 120345, facts: 80211, peers: 3420, typology: 900, sites: 140 } }) rows!: Record<string, number | null>;
  @ApiProperty({ example: 42, description: 'Number of accepted submissions included' }) submissions!: number;
  @ApiProperty({ example: { from: '2016-01-01', to: '2025-12-31' } }) periods!: { from: string | null; to: string | null };
  @ApiProperty() citation!: string;
}

export class ReleaseDto extends ReleaseSummaryDto {
  @ApiProperty({ type: ManifestDto }) manifest!: ManifestDto;
}

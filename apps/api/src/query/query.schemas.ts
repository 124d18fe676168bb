/** OpenAPI schemas and reusable parameter decorators of the public read API. */
import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiBadRequestResponse, ApiOkResponse, ApiProperty, ApiQuery, ApiResponse, getSchemaPath, PickType } from '@nestjs/swagger';
import { CLIENT_GROUPS, COMPARISONS, GRAINS, LEVELS, METRIC_CODES } from '@uitkomst/domain';
import { ApiErrorDto } from '../common/api-error.dto';
import { ARROW_STREAM } from './formats';
import { PEER_FIELDS } from './metrics-queries';

const CLIENT_GROUP_VALUES = [...CLIENT_GROUPS, 'all'];

export class MetricRowDto {
  @ApiProperty({ enum: METRIC_CODES, example: 'outflow_to_work' }) metric!: string;
  @ApiProperty({ enum: LEVELS, example: 'municipality' }) level!: string;
  @ApiProperty({ example: 'GM0363' }) unit!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Amsterdam' }) unitName!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'AM18' }) regionCode!: string | null;
  @ApiProperty({ example: '2025', description: '2025, 2025-Q3, 2025-07 or R12-2025-07' }) period!: string;
  @ApiProperty({ enum: GRAINS, example: 'year' }) grain!: string;
  @ApiProperty({ nullable: true, type: String, example: '2025-01-01' }) periodStart!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2025-12-31' }) periodEnd!: string | null;
  @ApiProperty({ enum: CLIENT_GROUP_VALUES, example: 'all' }) clientGroup!: string;
  @ApiProperty({ nullable: true, type: Number, example: 412, description: 'null when suppressed' }) numerator!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 2950 }) denominator!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 0.1397, description: 'Proportions as fractions 0..1; null when suppressed' }) value!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 0.1274 }) ciLow!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 0.1528 }) ciHigh!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 0.121 }) nationalValue!: number | null;
  @ApiProperty({ nullable: true, enum: COMPARISONS, example: 'better' }) comparison!: string | null;
  @ApiProperty({ nullable: true, type: Number }) funnel95Low!: number | null;
  @ApiProperty({ nullable: true, type: Number }) funnel95High!: number | null;
  @ApiProperty({ nullable: true, type: Number }) funnel998Low!: number | null;
  @ApiProperty({ nullable: true, type: Number }) funnel998High!: number | null;
  @ApiProperty({ nullable: true, type: Boolean, example: false }) isProcess!: boolean | null;
  @ApiProperty({ example: false }) suppressed!: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['small_denominator', 'small_count', 'secondary'], example: null }) suppressionReason!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Case-mix adjusted metric: observed count' }) observed!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Case-mix adjusted metric: expected count' }) expected!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'observed / expected' }) ratio!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ratioCiLow!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ratioCiHigh!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Year rows: value in the previous year' }) previousValue!: number | null;
  @ApiProperty({ nullable: true, type: Number }) change!: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) changeSignificant!: boolean | null;
}

/** A peer's figures; the answer gives metric, period and client group, `/metrics` every field of its row. */
export class PeerRowDto extends PickType(MetricRowDto, PEER_FIELDS) {
  @ApiProperty({ example: 1, description: '1 = the most similar municipality' }) rank!: number;
  @ApiProperty({ example: 0.42 }) distance!: number;
}

export class BenchmarkDto {
  @ApiProperty({ example: '2026.1' }) release!: string;
  @ApiProperty({ example: 'outflow_to_work' }) metric!: string;
  @ApiProperty({ example: '2025' }) period!: string;
  @ApiProperty({ example: 'year' }) grain!: string;
  @ApiProperty({ example: 'all' }) clientGroup!: string;
  @ApiProperty({ example: 'municipality' }) level!: string;
  @ApiProperty({ type: MetricRowDto, nullable: true }) unit!: MetricRowDto | null;
  @ApiProperty({ type: MetricRowDto, nullable: true }) national!: MetricRowDto | null;
  @ApiProperty({ type: MetricRowDto, nullable: true, description: 'The labour-market region of the unit' }) region!: MetricRowDto | null;
  @ApiProperty({ type: [PeerRowDto], description: 'Similar municipalities, most similar first (municipalities only), with their figures for the same metric, period and client group; CSV and Arrow answers give their whole rows' }) peers!: PeerRowDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'Median of the published peer values' }) peerMedian!: number | null;
  @ApiProperty({ example: 10 }) peerCount!: number;
}

export class FunnelPointDto {
  @ApiProperty() unit!: string;
  @ApiProperty({ nullable: true, type: String }) unitName!: string | null;
  @ApiProperty({ description: 'denominator (or expected count for the adjusted metric)' }) x!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'value (or observed/expected)' }) y!: number | null;
  @ApiProperty({ nullable: true, type: Number }) denominator!: number | null;
  @ApiProperty({ nullable: true, type: Number }) value!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciLow!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciHigh!: number | null;
  @ApiProperty({ nullable: true, enum: COMPARISONS }) comparison!: string | null;
}

export class FunnelLimitDto {
  @ApiProperty() denominator!: number;
  @ApiProperty({ nullable: true, type: Number }) low95!: number | null;
  @ApiProperty({ nullable: true, type: Number }) high95!: number | null;
  @ApiProperty({ nullable: true, type: Number }) low998!: number | null;
  @ApiProperty({ nullable: true, type: Number }) high998!: number | null;
}

export class FunnelDto {
  @ApiProperty({ example: '2026.1' }) release!: string;
  @ApiProperty() metric!: string;
  @ApiProperty({ enum: ['site', 'municipality', 'region'] }) level!: string;
  @ApiProperty() period!: string;
  @ApiProperty() grain!: string;
  @ApiProperty() clientGroup!: string;
  @ApiProperty({ nullable: true, type: Number }) nationalValue!: number | null;
  @ApiProperty({ enum: ['denominator', 'expected'] }) xAxis!: string;
  @ApiProperty({ enum: ['value', 'ratio'] }) yAxis!: string;
  @ApiProperty({ type: [FunnelPointDto], description: 'Published (unsuppressed) units' }) points!: FunnelPointDto[];
  @ApiProperty({ type: [FunnelLimitDto], description: '95% and 99.8% control limits over a denominator grid' }) limits!: FunnelLimitDto[];
}

export class TrendPointDto {
  @ApiProperty({ example: '2024' }) period!: string;
  @ApiProperty({ nullable: true, type: String }) periodStart!: string | null;
  @ApiProperty({ nullable: true, type: String }) periodEnd!: string | null;
  @ApiProperty({ nullable: true, type: Number }) value!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciLow!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciHigh!: number | null;
  @ApiProperty({ nullable: true, type: Number }) numerator!: number | null;
  @ApiProperty({ nullable: true, type: Number }) denominator!: number | null;
  @ApiProperty({ nullable: true, enum: COMPARISONS }) comparison!: string | null;
  @ApiProperty() suppressed!: boolean;
  @ApiProperty({ nullable: true, type: String }) suppressionReason!: string | null;
}

export class TrendSeriesDto {
  @ApiProperty({ example: 'GM0363' }) unit!: string;
  @ApiProperty({ nullable: true, type: String }) unitName!: string | null;
  @ApiProperty({ nullable: true, enum: LEVELS }) level!: string | null;
  @ApiProperty({ type: [TrendPointDto] }) points!: TrendPointDto[];
}

export class TrendsDto {
  @ApiProperty({ example: '2026.1' }) release!: string;
  @ApiProperty() metric!: string;
  @ApiProperty({ enum: GRAINS }) grain!: string;
  @ApiProperty() clientGroup!: string;
  @ApiProperty({ type: [TrendSeriesDto] }) series!: TrendSeriesDto[];
  @ApiProperty({ type: [TrendPointDto] }) national!: TrendPointDto[];
}

export class TypologyRowDto {
  @ApiProperty({ example: 'integration_level' }) dimension!: string;
  @ApiProperty({ example: 'full' }) category!: string;
  @ApiProperty({ nullable: true, type: Number }) numerator!: number | null;
  @ApiProperty({ nullable: true, type: Number }) denominator!: number | null;
  @ApiProperty({ nullable: true, type: Number }) value!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciLow!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciHigh!: number | null;
  @ApiProperty({ nullable: true, type: Number }) nSites!: number | null;
  @ApiProperty({ nullable: true, type: String }) caveat!: string | null;
}

export class TypologyDto {
  @ApiProperty({ example: '2026.1' }) release!: string;
  @ApiProperty() metric!: string;
  @ApiProperty() dimension!: string;
  @ApiProperty() period!: string;
  @ApiProperty() grain!: string;
  @ApiProperty() clientGroup!: string;
  @ApiProperty({ example: 'Association, not an impact evaluation' }) caveat!: string;
  @ApiProperty({ type: [TypologyRowDto] }) rows!: TypologyRowDto[];
}

export class RangeDto {
  @ApiProperty({ description: 'Number of units with a published value' }) n!: number;
  @ApiProperty({ nullable: true, type: Number }) min!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p25!: number | null;
  @ApiProperty({ nullable: true, type: Number }) median!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p75!: number | null;
  @ApiProperty({ nullable: true, type: Number }) max!: number | null;
}

export class ProfileMetricDto {
  @ApiProperty({ enum: METRIC_CODES }) metric!: string;
  @ApiProperty({ example: { nl: 'Uitstroom naar werk', en: 'Outflow to work' } }) label!: { nl: string; en: string };
  @ApiProperty() family!: string;
  @ApiProperty({ enum: ['higher_is_better', 'lower_is_better', 'none'] }) polarity!: string;
  @ApiProperty() isProcess!: boolean;
  @ApiProperty() valueType!: string;
  @ApiProperty({ nullable: true, type: Number }) value!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciLow!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ciHigh!: number | null;
  @ApiProperty({ nullable: true, type: Number }) numerator!: number | null;
  @ApiProperty({ nullable: true, type: Number }) denominator!: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) suppressed!: boolean | null;
  @ApiProperty({ nullable: true, type: String }) suppressionReason!: string | null;
  @ApiProperty({ nullable: true, enum: COMPARISONS }) comparison!: string | null;
  @ApiProperty({ nullable: true, type: Number }) nationalValue!: number | null;
  @ApiProperty({ type: RangeDto, nullable: true, description: 'Spread across the units of the same level' }) range!: RangeDto | null;
}

export class ProfileSiteDto {
  @ApiProperty({ example: 'WP-AM18-01' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['werkplein', 'wijkteam'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) startDate!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Whole years from the start of cooperation to the end of the period' }) yearsSinceStart!: number | null;
  @ApiProperty({ nullable: true, type: String }) integrationLevel!: string | null;
  @ApiProperty({ nullable: true, type: Number }) phase!: number | null;
  @ApiProperty({ nullable: true, type: String }) teamModel!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) coLocated!: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) jointManagement!: boolean | null;
  @ApiProperty({ nullable: true, type: String }) maturity!: string | null;
}

export class ProfileDto {
  @ApiProperty({ example: '2026.1' }) release!: string;
  @ApiProperty({ example: 'GM0363' }) unit!: string;
  @ApiProperty({ nullable: true, type: String }) unitName!: string | null;
  @ApiProperty({ enum: LEVELS }) level!: string;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty() period!: string;
  @ApiProperty() grain!: string;
  @ApiProperty() clientGroup!: string;
  @ApiProperty({ nullable: true, type: Number }) yearsSinceCooperationStarted!: number | null;
  @ApiProperty({ type: [ProfileMetricDto] }) metrics!: ProfileMetricDto[];
  @ApiProperty({ type: [ProfileSiteDto] }) sites!: ProfileSiteDto[];
}

const q = (name: string, description: string, extra: Record<string, unknown> = {}) => ApiQuery({ name, required: false, description, ...extra } as never);

export const P = {
  metric: (required = false, multi = false) => q('metric', multi ? 'Metric code(s), comma-separated' : 'Metric code', { required, enum: METRIC_CODES, example: 'outflow_to_work' }),
  level: (multi = true) => q('level', multi ? 'Level(s), comma-separated' : 'Level', { enum: LEVELS, example: 'municipality' }),
  unit: (required = false, multi = true) => q('unit', multi ? 'Unit code(s), comma-separated: site code, GM.... municipality, AM.. region, NL' : 'Unit code', { required, example: 'GM0363' }),
  period: (multi = false) => q('period', `${multi ? 'Period(s), comma-separated' : 'Period (default: the latest year in the release)'}: 2025, 2025-Q3, 2025-07 or R12-2025-07`, { example: '2025' }),
  grain: (dflt?: string) => q('grain', `Period grain${dflt ? ` (default ${dflt})` : ''}`, { enum: GRAINS, example: 'year' }),
  clientGroup: (multi = false) => q('clientGroup', `Client group${multi ? '(s), comma-separated' : ''} (default all)`, { enum: CLIENT_GROUP_VALUES, example: 'all' }),
  release: () => q('release', 'Release id (e.g. 2026.1) or latest (default)', { example: 'latest' }),
  range: () => applyDecorators(
    q('from', 'Only periods starting on or after the start of this period', { example: '2022' }),
    q('to', 'Only periods ending on or before the end of this period', { example: '2025' }),
  ),
  dimension: () => q('dimension', 'Typology dimension, e.g. integration_level, phase, team_model, maturity', { required: true, example: 'integration_level' }),
  format: () => q('format', 'Overrides the Accept header: json, csv, csv-excel (semicolon, decimal comma, BOM) or arrow', { enum: ['json', 'csv', 'csv-excel', 'arrow'] }),
};

/** 200 in three formats, 304, 400 (parameter named), 404 (unknown release). */
export function ReadResponses(type: Type<unknown>, isArray = false) {
  const json = isArray ? { type: 'array' as const, items: { $ref: getSchemaPath(type) } } : { $ref: getSchemaPath(type) };
  return applyDecorators(
    ApiExtraModels(ApiErrorDto, type),
    ApiOkResponse({
      description: 'JSON by default; CSV with Accept: text/csv (the same fields as columns; format=csv-excel for Dutch Excel); Arrow IPC stream with Accept: application/vnd.apache.arrow.stream. Carries ETag and Cache-Control (immutable for a release id, short for latest).',
      content: {
        'application/json': { schema: json },
        'text/csv': { schema: { type: 'string' }, example: 'metric,level,unit,unitName,regionCode,period,grain,...\noutflow_to_work,municipality,GM0363,Amsterdam,AM18,2025,year,...' },
        [ARROW_STREAM]: BINARY,
      },
    }),
    ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' }),
    ApiBadRequestResponse({ description: 'A parameter is unknown or has an unknown value; the body names it and lists the allowed values', schema: { $ref: getSchemaPath(ApiErrorDto) } }),
    ApiNotFoundResponse({ description: 'The release is not published', schema: { $ref: getSchemaPath(ApiErrorDto) } }),
  );
}

const BINARY = { schema: { type: 'string', format: 'binary' } };
const METRICS_CSV_EXAMPLE = [
  'metric,level,unit,unit_name,grain,period,period_start,period_end,client_group,numerator,denominator,value,ci_low,ci_high,national_value,comparison,...',
  'outflow_to_work,municipality,GM0363,Amsterdam,year,2025,2025-01-01,2025-12-31,all,10923.0,45980.0,0.2375598086124402,0.23369180311342166,0.241471662261423,0.26014137869947596,worse,...',
].join('\n');
const METRICS_EXCEL_CSV_EXAMPLE = [
  '\uFEFFmetric;level;unit;unit_name;grain;period;period_start;period_end;client_group;numerator;denominator;value;ci_low;ci_high;...',
  'outflow_to_work;municipality;GM0363;Amsterdam;year;2025;2025-01-01;2025-12-31;all;10923,0;45980,0;0,2375598086124402;0,23369180311342166;0,241471662261423;...',
].join('\n');
const METRICS_JSON_EXAMPLE = [{
  metric: 'outflow_to_work', level: 'municipality', unit: 'GM0363', unit_name: 'Amsterdam', grain: 'year', period: '2025', period_start: '2025-01-01',
  period_end: '2025-12-31', client_group: 'all', numerator: 10923, denominator: 45980, value: 0.2375598086124402, ci_low: 0.23369180311342166,
  ci_high: 0.241471662261423, national_value: 0.26014137869947596, comparison: 'worse', suppressed: false, suppression_reason: null, region_code: 'AM18',
}];

/** A download's answer in each format; release tables keep the column names of the codebook (snake_case). */
export function DownloadResponses() {
  return ApiOkResponse({
    description: 'The table, streamed while it is written (a first download has no Content-Length; later ones are served from the export cache with it). '
      + 'Content-Disposition names the file; ETag and immutable Cache-Control for a release id. Columns as in the codebook.',
    content: {
      'text/csv': { schema: { type: 'string' }, examples: { csv: { summary: 'format=csv', value: METRICS_CSV_EXAMPLE }, excel: { summary: 'format=csv-excel (semicolon, decimal comma, BOM)', value: METRICS_EXCEL_CSV_EXAMPLE } } },
      'application/json': { schema: { type: 'array', items: { type: 'object' } }, example: METRICS_JSON_EXAMPLE },
      'application/vnd.apache.parquet': BINARY,
      [ARROW_STREAM]: BINARY,
      'application/zip': { schema: { type: 'string', format: 'binary', description: 'whole=true: every file of the manifest and manifest.json' } },
    },
  });
}

/** One file of a release, byte for byte as its manifest lists it (sha256). */
export function ReleaseFileResponses() {
  return ApiOkResponse({
    description: 'The file, byte for byte (its sha256 is in the manifest); ETag and immutable Cache-Control',
    content: {
      'application/vnd.apache.parquet': BINARY,
      'application/json': { schema: { type: 'object' }, example: { id: '2026.1', sequence: 1, title: 'Jaarcijfers 2025', publishedAt: '2026-12-05T07:29:00.351Z', metricDefinitionVersion: 'sql-eae776ba9f3e', minDenominator: 10, files: [{ name: 'metrics.parquet', table: 'metrics', rows: 8109171, bytes: 203536340, sha256: 'f6608da696ba3d5e5fc32c92967d24b439c68a3583ff1e486c9d5829d2df38c1', columns: [{ name: 'metric', type: 'VARCHAR' }] }] } },
      'text/markdown': { schema: { type: 'string' }, example: '# Codebook, release 2026.1\n\nUitkomst: outcomes of integrated social services (Werkpleinen, wijkteams)\n...' },
    },
  });
}

const CODEBOOK_EXAMPLE = {
  title: 'Uitkomst: outcomes of integrated social services (Werkpleinen, wijkteams)',
  release: '2026.1',
  licence: { data: 'CC-BY-4.0', code: 'EUPL-1.2' },
  citation: 'Uitkomst (2026). Uitkomsten geïntegreerde dienstverlening, release 2026.1 [data set]. Licence CC BY 4.0. Retrieved from /api/v1/releases/2026.1',
  notes: ['Only released data is published. A release is immutable: cite its id to get the same numbers later.'],
  tables: [{
    table: 'metrics', file: 'metrics.parquet', description: 'Every published metric per unit, level, period and client group, after disclosure control',
    columns: [{ name: 'metric', type: 'VARCHAR', description: 'Metric code (see code list metrics)' }],
  }],
  codeLists: {
    metrics: [{
      code: 'outflow_to_work', description: 'Outflow to work', label_nl: 'Uitstroom naar werk', family: 'effectiveness', is_process: false,
      polarity: 'higher_is_better', method: 'wilson', value_type: 'proportion', numerator: 'exits_to_work', denominator: 'clients_start + clients_new',
    }],
    client_groups: [{ code: 'jongeren', description: 'Young people (under 27)', label_nl: 'Jongeren (onder 27)' }],
    levels: [{ code: 'site', description: 'A Werkplein or wijkteam' }],
    grains: [{ code: 'month', description: 'Calendar month, period 2025-07' }],
    comparisons: [{ code: 'better', description: 'Interval excludes the national value, on the good side' }],
    suppression_reasons: [{ code: 'small_denominator', description: 'Denominator below the minimum (default 10): the rate would be unreliable and could identify people' }],
    measures: [{ code: 'clients_start', description: 'Clients in service at the start of the month', label_nl: 'Klanten in dienst aan het begin van de maand', kind: 'count', unit: 'clients', family: 'volume' }],
  },
};

/** The codebook as JSON, CSV (one row per column and code) or Markdown. */
export function CodebookResponses() {
  return ApiOkResponse({
    description: 'The codebook (lists shortened in the example); Cache-Control immutable for a release id, short for latest',
    content: {
      'application/json': { schema: { type: 'object' }, example: CODEBOOK_EXAMPLE },
      'text/csv': { schema: { type: 'string' }, example: 'section,list,code,type,description\ncolumn,metrics,metric,VARCHAR,Metric code (see code list metrics)\ncolumn,metrics,level,VARCHAR,Level of the unit (see code list levels)\n...' },
      'text/markdown': { schema: { type: 'string' }, example: '# Codebook, release 2026.1\n\nUitkomst: outcomes of integrated social services (Werkpleinen, wijkteams)\n\nLicence: data CC-BY-4.0, code EUPL-1.2.\n...' },
    },
  });
}

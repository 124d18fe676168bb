/** The upload formats, chosen by Content-Type (or, in multipart uploads, by the file's type or extension). */
export type FileFormat = 'csv' | 'json' | 'ndjson' | 'arrow' | 'parquet';

export const MEDIA_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

const ALIASES: Record<string, FileFormat> = {
  'text/csv': 'csv', 'application/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson', 'application/ndjson': 'ndjson', 'application/jsonl': 'ndjson', 'application/x-jsonlines': 'ndjson',
  'application/vnd.apache.arrow.stream': 'arrow',
  'application/vnd.apache.parquet': 'parquet', 'application/x-parquet': 'parquet',
};

const EXTENSIONS: Record<string, FileFormat> = {
  csv: 'csv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', arrow: 'arrow', arrows: 'arrow', parquet: 'parquet',
};

/** The media type without parameters, lower case: 'Text/CSV; charset=utf-8' -> 'text/csv'. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function formatOfMediaType(contentType: string | undefined): FileFormat | null {
  return ALIASES[mediaTypeOf(contentType)] ?? null;
}

export function formatOfFilename(filename: string | null | undefined): FileFormat | null {
  const ext = /\.([a-z]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  return ext ? EXTENSIONS[ext] ?? null : null;
}

/** Format of an upload: its declared type, else (for generic types such as application/octet-stream) its file extension. */
export function formatOf(contentType: string | undefined, filename: string | null | undefined): FileFormat | null {
  return formatOfMediaType(contentType) ?? formatOfFilename(filename);
}

export const SUPPORTED_MEDIA_TYPES = Object.values(MEDIA_TYPES);

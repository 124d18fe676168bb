/**
 * Reads Parquet with hyparquet, an independent reader (not DuckDB). hyparquet is ESM-only and ts-jest
 * compiles `import()` to `require()`, so the import is kept out of the compiler's sight.
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

export async function readParquet(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const { parquetReadObjects } = await importEsm('hyparquet');
  const copy = bytes.slice();
  return parquetReadObjects({ file: copy.buffer });
}

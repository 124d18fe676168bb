/**
 * Builds the reference files from a CBS municipality list (columns as ../shared/geo/gemeente_2025.csv)
 * and the hand-kept merger list reference/mergers.csv. Output is committed.
 *   node libs/domain/dist/build-reference.js ../shared/geo/gemeente_2025.csv
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCsv, toCsv } from './csv';
import { REFERENCE_DIR } from './reference';

export function buildReference(gemeenten: Record<string, string>[], mergers: Record<string, string>[]) {
  const byCode = new Map(gemeenten.map((g) => [g.gemeente_code, g]));
  const createdOn = new Map(mergers.map((m) => [m.successor_code, m.effective_date]));
  const municipalities = gemeenten.map((g) => ({
    code: g.gemeente_code, name: g.gemeente_naam, region_code: g.arbeidsmarktregio_code, province_code: g.provincie_code,
    valid_from: createdOn.get(g.gemeente_code) ?? '2010-01-01', valid_to: '', successor_code: '',
  }));
  for (const m of mergers) {
    const successor = byCode.get(m.successor_code);
    if (!successor) throw new Error(`merger successor ${m.successor_code} is not in the municipality list`);
    const lastDay = new Date(`${m.effective_date}T00:00:00Z`);
    lastDay.setUTCDate(lastDay.getUTCDate() - 1);
    municipalities.push({
      code: m.old_code, name: m.old_name, region_code: successor.arbeidsmarktregio_code, province_code: successor.provincie_code,
      valid_from: '2010-01-01', valid_to: lastDay.toISOString().slice(0, 10), successor_code: m.successor_code,
    });
  }
  municipalities.sort((a, b) => a.code.localeCompare(b.code));
  const unique = (code: string, name: string) =>
    [...new Map(gemeenten.map((r) => [r[code], { code: r[code], name: r[name] }])).values()].sort((a, b) => a.code.localeCompare(b.code));
  return { municipalities, regions: unique('arbeidsmarktregio_code', 'arbeidsmarktregio_naam'), provinces: unique('provincie_code', 'provincie_naam') };
}

if (require.main === module) {
  const source = process.argv[2] ?? path.join(__dirname, '../../../../shared/geo/gemeente_2025.csv');
  const built = buildReference(parseCsv(fs.readFileSync(source, 'utf8')), parseCsv(fs.readFileSync(path.join(REFERENCE_DIR, 'mergers.csv'), 'utf8')));
  fs.writeFileSync(path.join(REFERENCE_DIR, 'municipalities.csv'), toCsv(['code', 'name', 'region_code', 'province_code', 'valid_from', 'valid_to', 'successor_code'], built.municipalities));
  fs.writeFileSync(path.join(REFERENCE_DIR, 'regions.csv'), toCsv(['code', 'name'], built.regions));
  fs.writeFileSync(path.join(REFERENCE_DIR, 'provinces.csv'), toCsv(['code', 'name'], built.provinces));
  console.log(`wrote ${built.municipalities.length} municipalities to ${REFERENCE_DIR}`);
}

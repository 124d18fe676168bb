/** CBS reference lists shipped with the project (libs/domain/reference, built by build-reference). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCsv } from './csv';

export interface MunicipalityRef {
  code: string; name: string; regionCode: string; provinceCode: string;
  validFrom: string; validTo: string | null; successorCode: string | null;
}
export interface NamedRef { code: string; name: string }

export const REFERENCE_DIR = path.join(__dirname, '..', 'reference');
const read = (file: string) => parseCsv(fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8'));

export function loadMunicipalities(file = 'municipalities.csv'): MunicipalityRef[] {
  return read(file).map((r) => ({
    code: r.code, name: r.name, regionCode: r.region_code, provinceCode: r.province_code,
    validFrom: r.valid_from, validTo: r.valid_to || null, successorCode: r.successor_code || null,
  }));
}
export const loadRegions = (): NamedRef[] => read('regions.csv').map((r) => ({ code: r.code, name: r.name }));
export const loadProvinces = (): NamedRef[] => read('provinces.csv').map((r) => ({ code: r.code, name: r.name }));

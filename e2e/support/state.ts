import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What global setup hands to the tests (a file: Jest does not share globals between setup and tests). */
export interface E2eState { baseUrl: string; submitterKey: string | null; dataDir: string | null; pid: number | null }

export const STATE_FILE = path.join(os.tmpdir(), 'uitkomst-e2e-state.json');
export const OUTPUT_DIR = path.resolve(__dirname, '../../test-output');
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');

export function readState(): E2eState {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2eState;
}

import * as fs from 'node:fs';
import { readState, STATE_FILE } from './support/state';

/** Stops the server global setup started (its whole process group) and removes its data directory. */
export default async function globalTeardown() {
  if (!fs.existsSync(STATE_FILE)) return;
  const state = readState();
  if (state.pid) {
    try { process.kill(-state.pid, 'SIGTERM'); } catch { /* already gone */ }
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      try { process.kill(state.pid, 0); } catch { break; }
      await new Promise((r) => setTimeout(r, 250));
    }
    try { process.kill(-state.pid, 'SIGKILL'); } catch { /* stopped */ }
  }
  if (state.dataDir) fs.rmSync(state.dataDir, { recursive: true, force: true });
  fs.rmSync(STATE_FILE, { force: true });
}

import { execFile, execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { startTestApp, TestApp } from './test-app';

const root = path.resolve(__dirname, '../../..');
const cliJs = path.join(root, 'apps/api/dist/cli.js');
const run = promisify(execFile);
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [cliJs, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, cwd: root });

beforeAll(() => {
  execSync('npx tsc -b tsconfig.build.json', { cwd: root, stdio: 'inherit' });
});

describe('cli keys bootstrap on the embedded store', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-cli-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints a first admin key once, then refuses', async () => {
    const first = await cli(['keys', 'bootstrap'], { DATA_DIR: dataDir });
    expect(first.stdout).toMatch(/uk_[0-9a-f]{12}_[A-Za-z0-9_-]{32}/);
    await expect(cli(['keys', 'bootstrap'], { DATA_DIR: dataDir })).rejects.toMatchObject({ stderr: expect.stringMatching(/already exists/) });
  });
});

describe('cli admin commands against a running server', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    await runFirstStart(t.app);
    admin = (await t.app.get(ApiKeysService).bootstrapAdmin()).key;
  });
  afterAll(() => t.close());

  it('imports a registry file, creates and lists a submitter key', async () => {
    const file = path.join(t.config.dataDir, 'registry.json');
    fs.writeFileSync(file, JSON.stringify({
      organisations: [{ code: 'ORG-GM0014', name: 'Gemeente Groningen', kind: 'municipality', municipalityCode: 'GM0014', regionCode: null, publicationConsent: true }],
      sites: [{ code: 'WT-GM0014-01', name: 'Wijkteam Groningen Centrum', kind: 'wijkteam', regionCode: 'AM01', municipalityCodes: ['GM0014'], partnerCodes: ['ORG-GM0014'], startDate: '2015-01-01', endDate: null, typology: [] }],
    }));
    const flags = ['--url', t.url, '--key', admin];
    const imported = await cli(['registry', 'import', file, ...flags]);
    expect(JSON.parse(imported.stdout)).toEqual({ organisations: 1, sites: 1 });
    const created = JSON.parse((await cli(['keys', 'create', '--role', 'submitter', '--org', 'ORG-GM0014', ...flags])).stdout);
    expect(created).toMatchObject({ role: 'submitter', organisationCode: 'ORG-GM0014' });
    const listed = JSON.parse((await cli(['keys', 'list', ...flags])).stdout);
    expect(listed.map((k: any) => k.id)).toContain(created.id);
    await expect(cli(['keys', 'create', '--role', 'submitter', '--org', 'ORG-NOPE', ...flags])).rejects.toMatchObject({ stderr: expect.stringMatching(/ORG-NOPE is not registered/) });
  });
});

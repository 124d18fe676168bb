import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, openSession, screenshot, seriousViolations, type Session, visit } from './support/browser';
import { readState } from './support/state';

describe('submitting data', () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => { browser = await launch(); });
  afterAll(async () => { await browser?.close(); });
  beforeEach(async () => { s = await openSession(browser, { acceptDownloads: true }); });
  afterEach(async () => { await s.context.close(); });

  test('the template downloads', async () => {
    await visit(s, '/aanleveren');
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByText('Download het sjabloon (CSV)').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const header = fs.readFileSync((await download.path())!, 'utf8').split('\n')[0];
    expect(header).toMatch(/period/);
    expect(s.errors).toEqual([]);
  });

  test('a bad file is rejected with its row-level errors', async () => {
    const { submitterKey } = readState();
    expect(submitterKey).toBeTruthy();
    await visit(s, '/aanleveren');
    const template = await s.page.evaluate(() => fetch('/api/v1/submissions/template.csv').then((r) => r.text()));
    const columns = template.trim().split(/\r?\n/)[0].split(',');
    const bad = columns.map((c) => (/period/i.test(c) ? '2024-13' : /client_group/i.test(c) ? 'nobody' : /value/i.test(c) ? '-5' : /measure/i.test(c) ? 'no_such_measure' : 'XX'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bad-')), 'bad.csv');
    fs.writeFileSync(file, `${columns.join(',')}\n${bad.join(',')}\n${bad.join(',')}\n`);

    await s.page.getByLabel('API-sleutel').fill(submitterKey!);
    await s.page.getByLabel('Bestand').setInputFiles(file);
    await s.page.getByRole('button', { name: 'Aanleveren' }).click();
    await s.page.waitForSelector('[data-testid="validation-report"]', { timeout: 120_000 });
    expect(await s.page.locator('[data-testid="submission-status"]').textContent()).toBe('Afgewezen');
    const rows = s.page.locator('[data-testid="validation-report"] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().locator('td').last().textContent()).not.toBe('');
    await screenshot(s.page, 'aanleveren-fouten');
    expect(await seriousViolations(s.page)).toEqual([]);
    // The first request went out without credentials checks failing: no console errors at all.
    expect(s.errors).toEqual([]);
  });

  test('a wrong key is refused with a clear message', async () => {
    await visit(s, '/aanleveren');
    const file = path.join(os.tmpdir(), 'uitkomst-any.csv');
    fs.writeFileSync(file, 'a,b\n1,2\n');
    await s.page.getByLabel('API-sleutel').fill('not-a-key');
    await s.page.getByLabel('Bestand').setInputFiles(file);
    await s.page.getByRole('button', { name: 'Aanleveren' }).click();
    await s.page.waitForSelector('text=De sleutel is niet geldig');
  });
});

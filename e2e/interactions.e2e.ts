import type { Browser } from 'playwright-core';
import { chartFingerprint, launch, openSession, screenshot, type Session, visit, waitForCharts } from './support/browser';

describe('interactions', () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => { browser = await launch(); });
  afterAll(async () => { await browser?.close(); });
  beforeEach(async () => { s = await openSession(browser); });
  afterEach(async () => { expect(s.errors).toEqual([]); await s.context.close(); });

  test('changing a filter changes the URL and the chart; the copied URL restores the view', async () => {
    await visit(s, '/vergelijken');
    await waitForCharts(s.page, 2);
    const before = await chartFingerprint(s.page);
    await s.page.getByLabel('Indicator').selectOption('satisfaction_mean');
    await s.page.waitForFunction(() => location.search.includes('metric=satisfaction_mean'));
    await s.page.getByLabel('Niveau').selectOption('municipality');
    await s.page.waitForFunction(() => location.search.includes('level=municipality'));
    await s.page.waitForFunction(() => document.querySelector('[data-chart]')?.getAttribute('data-chart')?.includes('satisfaction_mean-municipality'));
    await waitForCharts(s.page, 2);
    const after = await chartFingerprint(s.page);
    expect(after).not.toEqual(before);
    const url = s.page.url();
    const title = await s.page.locator('figure.chart h3').first().textContent();

    const copy = await s.context.newPage();
    await copy.goto(url);
    await copy.waitForSelector('[data-chart*="satisfaction_mean-municipality"] svg');
    expect(await copy.getByLabel('Indicator').inputValue()).toBe('satisfaction_mean');
    expect(await copy.getByLabel('Niveau').inputValue()).toBe('municipality');
    expect(await copy.locator('figure.chart h3').first().textContent()).toBe(title);
    expect(await chartFingerprint(copy)).toEqual(after);
    await copy.close();
  });

  test('back and forward restore earlier choices', async () => {
    await visit(s, '/vergelijken');
    await waitForCharts(s.page, 1);
    await s.page.getByLabel('Niveau').selectOption('site');
    await s.page.waitForFunction(() => location.search.includes('level=site'));
    await s.page.goBack();
    await s.page.waitForFunction(() => !location.search.includes('level=site'));
    expect(await s.page.getByLabel('Niveau').inputValue()).toBe('region');
  });

  test('the language switch translates the page and sets html lang', async () => {
    await visit(s, '/');
    await waitForCharts(s.page, 1);
    expect(await s.page.getAttribute('html', 'lang')).toBe('nl');
    await expect(s.page.locator('nav').getByText('Vergelijken').count()).resolves.toBe(1);
    await s.page.getByRole('button', { name: 'Switch to English' }).click();
    await s.page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(s.page.url()).toContain('lang=en');
    expect(await s.page.locator('nav').getByText('Compare').count()).toBe(1);
    expect(await s.page.locator('h1').textContent()).toMatch(/job seekers/);
    await s.page.locator('nav').getByText('Compare').click();
    await s.page.waitForURL(/\/vergelijken\?lang=en/);
    await waitForCharts(s.page, 1);
    await s.page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await s.page.waitForFunction(() => document.documentElement.lang === 'nl');
    expect(await s.page.locator('h1').textContent()).toBe('Vergelijken');
  });

  test('keyboard focus on a chart reads out the exact figures', async () => {
    await visit(s, '/vergelijken?level=region');
    await waitForCharts(s.page, 2);
    const chart = s.page.locator('[data-chart^="ranked"]');
    await chart.focus();
    await s.page.keyboard.press('ArrowDown');
    const readout = s.page.locator('.chart-readout').first();
    await s.page.waitForFunction(() => /95%-interval/.test(document.querySelector('.chart-readout')?.textContent ?? ''));
    expect(await readout.textContent()).toMatch(/^1\. .+: .+95%-interval/);
    await s.page.keyboard.press('ArrowDown');
    expect(await readout.textContent()).toMatch(/^2\. /);
    await screenshot(s.page, 'vergelijken-keyboard');
  });

  test('hovering a point shows its figures', async () => {
    await visit(s, '/vergelijken?level=region');
    await waitForCharts(s.page, 2);
    const box = (await s.page.locator('[data-chart^="ranked"] svg').boundingBox())!;
    await s.page.mouse.move(box.x + box.width * 0.6, box.y + 60);
    await s.page.waitForFunction(() => /95%-interval/.test(document.querySelector('.chart-readout')?.textContent ?? ''));
  });

  test('the sortable table sorts by a column', async () => {
    await visit(s, '/vergelijken?level=region');
    await waitForCharts(s.page, 1);
    const table = s.page.locator('section.panel').last().locator('table');
    await table.locator('thead button', { hasText: 'Eenheid' }).click();
    const names = await table.locator('tbody tr th').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(await table.locator('thead th[aria-sort="ascending"]').count()).toBe(1);
  });

  test('a municipality\'s profile lists its peers with the figures the benchmark answer gives', async () => {
    const answer = s.page.waitForResponse((r) => r.url().includes('/api/v1/benchmark?'));
    await visit(s, '/profiel?unit=GM0363');
    const b = await (await answer).json();
    expect(b.peers.length).toBeGreaterThan(0);
    const panel = s.page.locator('section.panel', { has: s.page.locator('h2', { hasText: 'Vergelijkbare eenheden' }) });
    const names = await panel.locator('tbody tr th').allTextContents();
    const expected = [b.unit, b.region, b.national, ...b.peers].filter(Boolean).map((r: { unit: string; unitName: string | null }) => r.unitName ?? r.unit);
    expect([...names].sort()).toEqual([...expected].sort());
    const published = b.peers.find((p: { suppressed: boolean; value: number | null }) => !p.suppressed && p.value !== null);
    if (published) {
      const index = names.indexOf(published.unitName ?? published.unit);
      const shown = await panel.locator('tbody tr').nth(index).locator('td').first().textContent();
      expect(shown).toBe(new Intl.NumberFormat('nl-NL', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(published.value));
    }
  });

  test('suppressed values say so, with a reason, never as zero', async () => {
    await visit(s, '/vergelijken?level=site');
    await waitForCharts(s.page, 1);
    const suppressed = s.page.locator('section.panel').last().locator('td .suppressed');
    if (await suppressed.count()) {
      expect(await suppressed.first().textContent()).toMatch(/onderdrukt: .{10,}/);
      expect(await s.page.locator('[data-testid="suppressed-note"]').count()).toBe(1);
    }
  });

  test('charts save as SVG and PNG', async () => {
    const session = await openSession(browser, { acceptDownloads: true });
    try {
      await visit(session, '/vergelijken?level=region');
      await waitForCharts(session.page, 1);
      const [svg] = await Promise.all([session.page.waitForEvent('download'), session.page.getByRole('button', { name: 'Opslaan als SVG' }).first().click()]);
      expect(svg.suggestedFilename()).toMatch(/^uitkomst-ranked-.+\.svg$/);
      const text = require('node:fs').readFileSync(await svg.path(), 'utf8') as string;
      expect(text).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const [png] = await Promise.all([session.page.waitForEvent('download'), session.page.getByRole('button', { name: 'Opslaan als PNG' }).first().click()]);
      expect(png.suggestedFilename()).toMatch(/\.png$/);
      const bytes = require('node:fs').readFileSync(await png.path()) as Buffer;
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(session.errors).toEqual([]);
    } finally {
      await session.context.close();
    }
  });
});

import type { Browser } from 'playwright-core';
import { launch, openSession, screenshot, seriousViolations, type Session, visit, waitForCharts } from './support/browser';

/** Every page: renders (charts with data where it has charts), no console errors, no serious axe violations, a screenshot. */
const PAGES: { name: string; path: string; charts: number }[] = [
  { name: 'overzicht', path: '/', charts: 1 },
  { name: 'vergelijken', path: '/vergelijken?level=region', charts: 2 },
  { name: 'vergelijken-gemeenten', path: '/vergelijken?level=municipality', charts: 2 },
  { name: 'profiel', path: '/profiel?unit=AM18', charts: 2 },
  { name: 'samenwerking', path: '/samenwerking', charts: 2 },
  { name: 'data', path: '/data', charts: 0 },
  { name: 'methode', path: '/methode', charts: 0 },
  { name: 'aanleveren', path: '/aanleveren', charts: 0 },
];

describe('pages', () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => { browser = await launch(); });
  afterAll(async () => { await browser?.close(); });
  beforeEach(async () => { s = await openSession(browser); });
  afterEach(async () => { await s.context.close(); });

  for (const p of PAGES) {
    test(`${p.name} renders with data, accessibly`, async () => {
      await visit(s, p.path);
      if (p.charts) {
        const marks = await waitForCharts(s.page, p.charts);
        expect(marks.filter((m) => m > 0).length).toBeGreaterThanOrEqual(p.charts);
      }
      expect(await s.page.locator('.state-error').count()).toBe(0);
      await s.page.waitForLoadState('networkidle');
      await screenshot(s.page, p.name);
      expect(await s.page.getAttribute('html', 'lang')).toBe('nl');
      const violations = await seriousViolations(s.page);
      expect(violations).toEqual([]);
      expect(s.errors).toEqual([]);
    });
  }

  test('the browser gets the dashboard\'s scripts and styles compressed (Brotli), from the build\'s own copies', async () => {
    const sent: Promise<{ path: string; encoding: string | null; bytes: number }>[] = [];
    s.page.on('response', (r) => {
      const { pathname } = new URL(r.url());
      if (/\/assets\/.+\.(js|css)$/.test(pathname)) sent.push((async () => ({ path: pathname, encoding: await r.headerValue('content-encoding'), bytes: (await r.body()).length }))());
    });
    await visit(s, '/');
    await waitForCharts(s.page, 1);
    const assets = await Promise.all(sent);
    expect(assets.filter((a) => a.encoding === 'br').length).toBeGreaterThan(3);
    // Files under 1 KB are not worth compressing (apps/web/precompress.ts).
    expect(assets.filter((a) => a.encoding !== 'br' && a.bytes >= 1024)).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  test('the English version is accessible too', async () => {
    await visit(s, '/vergelijken?lang=en');
    await waitForCharts(s.page, 2);
    await screenshot(s.page, 'compare-en');
    expect(await seriousViolations(s.page)).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { readState, SCREENSHOT_DIR } from './state';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Session { context: BrowserContext; page: Page; errors: string[]; base: string }

/** A fresh page that records console errors and uncaught exceptions. */
export async function openSession(browser: Browser, opts: { acceptDownloads?: boolean } = {}): Promise<Session> {
  const { baseUrl } = readState();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: opts.acceptDownloads ?? false, baseURL: baseUrl });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.text()} @ ${m.location().url}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { context, page, errors, base: baseUrl };
}

export async function visit(s: Session, pathAndQuery: string) {
  await s.page.goto(s.base + pathAndQuery, { waitUntil: 'domcontentloaded' });
  await s.page.waitForSelector('main h1', { timeout: 60_000 });
  await s.page.waitForLoadState('networkidle');
}

/** Waits until the named charts (data-chart prefix) hold drawn marks, and returns their mark counts. */
export async function waitForCharts(page: Page, minCharts = 1, timeout = 60_000): Promise<number[]> {
  await page.waitForFunction((n) => {
    const charts = [...document.querySelectorAll('[data-chart]')];
    const drawn = charts.filter((c) => c.querySelectorAll('svg g[data-mark] > :is(circle, path, rect, line, text)').length > 0);
    return drawn.length >= n;
  }, minCharts, { timeout });
  return page.$$eval('[data-chart]', (els) => els.map((c) => c.querySelectorAll('svg g[data-mark] > :is(circle, path, rect, line)').length));
}

/** The marks of one chart, as a fingerprint that changes when its data does. */
export function chartFingerprint(page: Page, selector = '[data-chart]'): Promise<string> {
  return page.$eval(selector, (el) => `${el.getAttribute('data-chart')}|${[...el.querySelectorAll('svg g[data-mark] > *')].slice(0, 400).map((n) => n.getAttribute('d') ?? `${n.getAttribute('cx')},${n.getAttribute('cy')},${n.getAttribute('transform')}`).join(';')}`);
}

const AXE = require.resolve('axe-core/axe.min.js');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** axe-core (WCAG 2.0/2.1 A and AA rules); returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // served from the page's own origin, so the app's Content-Security-Policy (script-src 'self') stays enforced
  await page.route('**/__e2e/axe.js', (route) => route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(AXE, 'utf8') }));
  await page.addScriptTag({ url: '/__e2e/axe.js' });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

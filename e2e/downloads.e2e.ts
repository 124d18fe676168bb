import type { Browser, Page } from 'playwright-core';
import { launch, openSession, screenshot, type Session, visit } from './support/browser';

/**
 * Fetches a link the page offers, from the page (same origin), and returns status, headers and the first
 * bytes; the rest is not downloaded (a whole release as CSV is gigabytes).
 */
async function fetchLink(page: Page, href: string) {
  return page.evaluate(async (url) => {
    const res = await fetch(url);
    const reader = res.body!.getReader();
    const head: number[] = [];
    let size = 0; // read to the end: a first download streams without Content-Length
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (head.length < 400) head.push(...value.slice(0, 400 - head.length));
      size += value.length;
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', size, head };
  }, href);
}
const text = (bytes: number[]) => Buffer.from(bytes).toString('utf8');

describe('data downloads', () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await openSession(browser);
    await visit(s, '/data?metric=outflow_to_work&level=region');
    await s.page.waitForSelector('[data-testid="view-downloads"] a');
    await screenshot(s.page, 'data');
  });
  afterAll(async () => { expect(s.errors).toEqual([]); await s.context.close(); await browser?.close(); });

  const href = (list: string, format: string) => s.page.getAttribute(`[data-testid="${list}"] a[data-format="${format}"]`, 'href').then((h) => h!);

  test('the current view as CSV has the metric rows of the view only', async () => {
    const url = await href('view-downloads', 'csv');
    expect(url).toContain('metric=outflow_to_work');
    const r = await fetchLink(s.page, url);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/text\/csv/);
    const lines = text(r.head).split('\n');
    expect(lines[0]).toMatch(/metric/);
    expect(lines[1]).toMatch(/outflow_to_work/);
  });

  test('Excel CSV uses a BOM and semicolons', async () => {
    const r = await fetchLink(s.page, await href('view-downloads', 'csv-excel'));
    expect(r.status).toBe(200);
    expect(r.head.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
    expect(text(r.head).split('\n')[0]).toContain(';');
  });

  test('Parquet starts with PAR1', async () => {
    const r = await fetchLink(s.page, await href('view-downloads', 'parquet'));
    expect(r.status).toBe(200);
    expect(text(r.head.slice(0, 4))).toBe('PAR1');
  });

  test('Arrow is an IPC stream', async () => {
    const r = await fetchLink(s.page, await href('view-downloads', 'arrow'));
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/arrow/);
    expect(r.head.slice(0, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  test('the whole release downloads (CSV and zip)', async () => {
    const csv = await fetchLink(s.page, await href('release-downloads', 'csv'));
    expect(csv.status).toBe(200);
    expect(csv.disposition).toMatch(/attachment; filename=".+\.csv"/);
    expect(text(csv.head).split('\n')[0]).toMatch(/^metric,level,unit/);
    expect(csv.size).toBeGreaterThan(1000);
    const zip = await fetchLink(s.page, await href('release-downloads', 'zip'));
    expect(zip.status).toBe(200);
    expect(text(zip.head.slice(0, 2))).toBe('PK');
  });

  test('the codebook downloads as Markdown and CSV', async () => {
    const md = await fetchLink(s.page, await href('codebook-downloads', 'md'));
    expect(md.status).toBe(200);
    expect(text(md.head)).toMatch(/^#/m);
    const csv = await fetchLink(s.page, await href('codebook-downloads', 'csv'));
    expect(csv.status).toBe(200);
  });

  test('the Arrow preview reads the schema in the browser', async () => {
    await s.page.getByRole('button', { name: 'Bekijk het schema van het Arrow-bestand' }).click();
    await s.page.waitForSelector('text=rijen, kolommen');
    expect(await s.page.locator('.tags code', { hasText: 'metric' }).count()).toBeGreaterThan(0);
  });
});

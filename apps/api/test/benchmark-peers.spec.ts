/**
 * /benchmark with real peer groups: a year of monthly facts (peer groups need the latest 12 months), so that
 * every consenting municipality has the others as peers. A peer's figures are those of its /metrics row.
 */
import { addSubmission, call, Fact, getJson, NO_CONSENT, parseCsv, publish, ReleaseContext, SMALL, startReleaseApp } from './releases-setup';

const PEER_FIELDS = ['unit', 'unitName', 'numerator', 'denominator', 'value', 'ciLow', 'ciHigh', 'comparison', 'suppressed', 'suppressionReason'];

/** Every month of 2025 for every site of the registry, two client groups each. */
function yearOfFacts(): Fact[] {
  const sizes: Record<string, [string, [number, number, number], [number, number, number]]> = {
    'WP-AM18-01': ['GM0363', [400, 100, 75], [300, 50, 20]],
    'WP-AM18-02': ['GM0362', [120, 30, 12], [90, 10, 5]],
    'WT-GM0384-01': [SMALL, [3, 1, 1], [2, 1, 0]],
    'WT-GM0437-01': [NO_CONSENT, [150, 50, 40], [100, 20, 9]],
  };
  const facts: Fact[] = [];
  for (const [site, [municipality, ...groups]] of Object.entries(sizes)) {
    groups.forEach(([start, fresh, exits], i) => {
      const group = i === 0 ? 'ww' : 'bijstand_kort';
      for (let m = 1; m <= 12; m++) {
        const month = `2025-${String(m).padStart(2, '0')}-01`;
        facts.push({ site, municipality, month, group, measure: 'clients_start', value: start });
        facts.push({ site, municipality, month, group, measure: 'clients_new', value: fresh });
        facts.push({ site, municipality, month, group, measure: 'exits_to_work', value: exits + (m % 3) });
      }
    });
  }
  return facts;
}

describe('benchmark against peer groups', () => {
  let ctx: ReleaseContext;

  beforeAll(async () => {
    ctx = await startReleaseApp('pglite');
    await addSubmission(ctx, yearOfFacts());
    await publish(ctx);
  });
  afterAll(() => ctx.t.close());

  const metricRows = (clientGroup: string, units: string[]) =>
    getJson(ctx, `/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2025&clientGroup=${clientGroup}&unit=${units.join(',')}`);

  it.each(['all', 'ww'])('gives each peer (client group %s) the figures of its /metrics row, and their median', async (clientGroup) => {
    const b = await getJson(ctx, `/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2025&clientGroup=${clientGroup}`);
    expect(b).toMatchObject({ metric: 'outflow_to_work', period: '2025', grain: 'year', clientGroup, level: 'municipality' });
    expect(b.peers.map((p: any) => p.unit).sort()).toEqual(['GM0362', SMALL]);
    expect(b.peerCount).toBe(2);
    const rows = new Map<string, any>((await metricRows(clientGroup, ['GM0362', SMALL])).map((r: any) => [r.unit, r]));
    for (const peer of b.peers) {
      expect(Object.keys(peer)).toEqual(['rank', 'distance', ...PEER_FIELDS]);
      const row: any = rows.get(peer.unit);
      expect(peer).toEqual({ rank: peer.rank, distance: peer.distance, ...Object.fromEntries(PEER_FIELDS.map((f) => [f, row[f]])) });
      expect(peer.distance).toBeGreaterThanOrEqual(0);
    }
    expect(b.peers.map((p: any) => p.rank)).toEqual([1, 2]);
    expect(b.peers[0].distance).toBeLessThanOrEqual(b.peers[1].distance);
    // Diemen is too small to publish: it stays a peer, without figures, and out of the median.
    const small = b.peers.find((p: any) => p.unit === SMALL);
    expect(small).toMatchObject({ suppressed: true, value: null, numerator: null });
    expect(b.peerMedian).toBe(rows.get('GM0362').value);
  });

  it('never makes a municipality without consent a peer, nor benchmarks it', async () => {
    for (const unit of ['GM0363', 'GM0362']) {
      const b = await getJson(ctx, `/api/v1/benchmark?metric=outflow_to_work&unit=${unit}&period=2025`);
      expect(b.peers.map((p: any) => p.unit)).not.toContain(NO_CONSENT);
    }
    expect((await call(ctx, `/api/v1/benchmark?metric=outflow_to_work&unit=${NO_CONSENT}&period=2025`)).status).toBe(400);
  });

  it('gives whole rows for the peers in CSV, the same as /metrics has them', async () => {
    const url = '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2025';
    const b = await getJson(ctx, url);
    const csv = parseCsv(await (await call(ctx, url, { headers: { accept: 'text/csv' } })).text());
    const peers = csv.filter((r) => r.role === 'peer');
    expect(peers.map((r) => [r.unit, r.rank, r.distance])).toEqual(b.peers.map((p: any) => [p.unit, String(p.rank), String(p.distance)]));
    const rows = new Map<string, any>((await metricRows('all', ['GM0362', SMALL])).map((r: any) => [r.unit, r]));
    for (const peer of peers) {
      const row: any = rows.get(peer.unit);
      for (const field of ['metric', 'period', 'grain', 'clientGroup', 'regionCode', 'funnel95Low', 'funnel998High', 'nationalValue', 'value', 'suppressed']) {
        expect(peer[field]).toBe(row[field] === null ? '' : String(row[field]));
      }
    }
  });
});

import * as Plot from '@observablehq/plot';
import type { Comparison } from '@uitkomst/domain/metrics';
import type { FeatureCollection } from 'geojson';
import { COMPARISON_GLYPHS } from '../../lib/comparison';
import { REGION_TILES } from '../../map/tile-grid';
import { fillOf } from '../symbols';

export interface RegionDatum { code: string; name: string; comparison: Comparison; suppressed: boolean; text: string; valueText: string }

const glyph = (d: RegionDatum | undefined) => (d ? (d.suppressed ? '∅' : COMPARISON_GLYPHS[d.comparison]) : '');
const fill = (d: RegionDatum | undefined) => (!d || d.suppressed ? '#f1f1f1' : d.comparison === 'similar' ? '#d9d9d9' : d.comparison === 'not_comparable' ? '#ffffff' : fillOf(d.comparison));
const ink = (d: RegionDatum | undefined) => (d && (d.comparison === 'better' || d.comparison === 'worse') && !d.suppressed ? '#fff' : '#222');

/** Choropleth of the regions by comparison, with a symbol at each centroid so colour is never the only cue. */
export function mapSpec(fc: FeatureCollection, data: ReadonlyMap<string, RegionDatum>, opts: { width: number; selected: RegionDatum | null }): Plot.PlotOptions {
  const code = (f: { properties: { statcode?: string } | null }) => f.properties?.statcode ?? '';
  const of = (f: { properties: { statcode?: string } | null }) => data.get(code(f));
  const features = fc.features;
  const sel = opts.selected ? features.filter((f) => code(f as never) === opts.selected!.code) : [];
  const width = Math.min(opts.width, 560);
  return {
    width, height: Math.round(width * 1.18), margin: 4,
    projection: { type: 'mercator', domain: fc },
    color: { type: 'identity' },
    marks: [
      Plot.geo(features, { fill: (f) => fill(of(f)), stroke: '#fff', strokeWidth: 0.8 }),
      Plot.text(features, Plot.centroid({ text: (f) => glyph(of(f)), fill: (f) => ink(of(f)), fontSize: 11 })),
      Plot.geo(sel, { stroke: '#111', strokeWidth: 2.5, fill: 'none' }),
      Plot.tip(features, Plot.pointer(Plot.centroid({ title: (f) => of(f)?.text ?? code(f) }))),
    ],
  };
}

export interface Tile extends RegionDatum { col: number; row: number; short: string }

export function tiles(data: ReadonlyMap<string, RegionDatum>): Tile[] {
  return Object.entries(REGION_TILES).map(([code, [col, row]]) => {
    const d = data.get(code) ?? { code, name: code, comparison: 'not_comparable' as Comparison, suppressed: false, text: code, valueText: '–' };
    return { ...d, col, row, short: d.name.length > 11 ? `${d.name.slice(0, 10)}…` : d.name };
  });
}

/** Tile-grid fallback: one square per region in a hand-placed grid. */
export function tileSpec(items: readonly Tile[], opts: { width: number; selected: Tile | null }): Plot.PlotOptions {
  const width = Math.min(opts.width, 560);
  const sel = opts.selected ? items.filter((t) => t.code === opts.selected!.code) : [];
  return {
    width, height: Math.round((width / 7) * 9), margin: 2, padding: 0.06,
    x: { axis: null, domain: [0, 1, 2, 3, 4, 5, 6] }, y: { axis: null, domain: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    color: { type: 'identity' },
    marks: [
      Plot.cell(items, { x: 'col', y: 'row', fill: (d: Tile) => fill(d), stroke: '#888', rx: 4 }),
      Plot.text(items, { x: 'col', y: 'row', text: (d: Tile) => `${glyph(d)}\n${d.short}\n${d.valueText}`, fill: (d: Tile) => ink(d), fontSize: 9.5, lineHeight: 1.2 }),
      Plot.cell(sel, { x: 'col', y: 'row', stroke: '#111', strokeWidth: 3, fill: 'none', rx: 4 }),
      Plot.tip(items, Plot.pointer({ x: 'col', y: 'row', title: 'text' })),
    ],
  };
}

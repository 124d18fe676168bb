import * as Plot from '@observablehq/plot';
import type { MetricDefinition } from '@uitkomst/domain/metrics';
import type { Lang } from '../../i18n/lang';
import { axisFormat } from '../../lib/format';

export interface TrendPoint { date: Date; period: string; value: number | null; ciLow: number | null; ciHigh: number | null; national: number | null; suppressed: boolean; text: string }

/** Value with its interval band over time, and the national line for reference; suppressed years are marked. */
export function trendSpec(points: readonly TrendPoint[], opts: {
  metric: MetricDefinition | undefined; lang: Lang; width: number; selected: TrendPoint | null; height?: number; showNational?: boolean; valueLabel?: string | null;
}): Plot.PlotOptions {
  const shown = points.filter((p) => p.value !== null);
  const suppressed = points.filter((p) => p.suppressed);
  const sel = opts.selected ? [opts.selected] : [];
  return {
    width: opts.width, height: opts.height ?? 260, marginLeft: 60, marginRight: 16,
    x: { type: 'utc', label: null },
    y: { label: opts.valueLabel ?? null, tickFormat: axisFormat(opts.metric, opts.lang), grid: true, nice: true },
    marks: [
      Plot.areaY(shown, { x: 'date', y1: 'ciLow', y2: 'ciHigh', fill: '#0067A5', fillOpacity: 0.16, curve: 'monotone-x' }),
      opts.showNational === false ? null : Plot.lineY(points.filter((p) => p.national !== null), { x: 'date', y: 'national', stroke: '#444', strokeDasharray: '5 4', strokeWidth: 1.3 }),
      Plot.lineY(shown, { x: 'date', y: 'value', stroke: '#0067A5', strokeWidth: 2.2, curve: 'monotone-x' }),
      Plot.dot(shown, { x: 'date', y: 'value', fill: '#0067A5', r: 3 }),
      Plot.tickX(suppressed, { x: 'date', stroke: '#8a4b00', strokeDasharray: '2 2' }),
      Plot.text(suppressed, { x: 'date', frameAnchor: 'top', text: () => '∅', fill: '#8a4b00', dy: 8 }),
      Plot.dot(sel, { x: 'date', y: (d: TrendPoint) => d.value ?? d.national, r: 8, stroke: '#111', strokeWidth: 2 }),
      Plot.tip(sel, { x: 'date', y: (d: TrendPoint) => d.value ?? d.national, title: 'text' }),
      Plot.tip(points, Plot.pointerX({ x: 'date', y: (d: TrendPoint) => d.value ?? d.national, title: 'text' })),
    ],
  };
}

/** A tiny trend line for the headline cards (decorative: the card states the numbers in text). */
export function sparkSpec(points: readonly TrendPoint[], opts: { width: number; metric: MetricDefinition | undefined; lang: Lang }): Plot.PlotOptions {
  const shown = points.filter((p) => p.value !== null);
  return {
    width: opts.width, height: 70, marginTop: 6, marginBottom: 18, marginLeft: 4, marginRight: 4,
    x: { type: 'utc', ticks: 2, label: null, tickSize: 0 }, y: { axis: null, nice: true },
    marks: [
      Plot.areaY(shown, { x: 'date', y1: 'ciLow', y2: 'ciHigh', fill: '#0067A5', fillOpacity: 0.16 }),
      Plot.lineY(shown, { x: 'date', y: 'value', stroke: '#0067A5', strokeWidth: 2 }),
      Plot.dot(shown.slice(-1), { x: 'date', y: 'value', fill: '#0067A5', r: 3 }),
    ],
  };
}

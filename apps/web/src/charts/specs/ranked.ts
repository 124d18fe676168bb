import * as Plot from '@observablehq/plot';
import type { Comparison, MetricDefinition } from '@uitkomst/domain/metrics';
import type { Lang } from '../../i18n/lang';
import { axisFormat } from '../../lib/format';
import { fillOf, strokeOf, symbolOf } from '../symbols';

export interface RankedPoint {
  unit: string; unitName: string; value: number; ciLow: number | null; ciHigh: number | null;
  comparison: Comparison; rank: number; focus: boolean; text: string;
}

/** Best first: descending when higher is better, ascending when lower is better. */
export function rankPoints<T extends { value: number | null }>(rows: readonly T[], metric: MetricDefinition | undefined): (T & { value: number })[] {
  const sign = metric?.polarity === 'lower_is_better' ? 1 : -1;
  return rows.filter((r): r is T & { value: number } => r.value !== null && Number.isFinite(r.value)).sort((a, b) => sign * (a.value - b.value));
}

/**
 * Ranked dot-and-interval chart. Up to 45 units: one labelled row each; more: a caterpillar (rank on x),
 * so 342 municipalities stay readable and the tip names each unit.
 */
export function rankedSpec(points: readonly RankedPoint[], opts: {
  metric: MetricDefinition | undefined; lang: Lang; width: number; selected: RankedPoint | null;
  reference: number | null; referenceLabel: string; valueLabel: string; rankLabel: string;
}): Plot.PlotOptions {
  const fmt = axisFormat(opts.metric, opts.lang);
  const ref = opts.reference !== null ? [opts.reference] : [];
  const symbol = (d: RankedPoint) => symbolOf(d.comparison);
  const fill = (d: RankedPoint) => fillOf(d.comparison);
  const stroke = (d: RankedPoint) => strokeOf(d.comparison);
  const sel = opts.selected ? [opts.selected] : [];
  const focus = points.filter((p) => p.focus);
  if (points.length <= 45) {
    return {
      width: opts.width, height: Math.max(160, points.length * 22 + 50), marginLeft: Math.min(240, opts.width * 0.35), marginRight: 24,
      x: { label: opts.valueLabel, tickFormat: fmt, grid: true },
      y: { label: null, domain: points.map((p) => p.unitName) },
      color: { type: 'identity' }, symbol: { type: 'identity' },
      marks: [
        Plot.ruleX(ref, { stroke: '#333', strokeDasharray: '4 3' }),
        Plot.ruleY(points, { y: 'unitName', x1: 'ciLow', x2: 'ciHigh', stroke, strokeWidth: 2, strokeOpacity: 0.75 }),
        Plot.dot(points, { y: 'unitName', x: 'value', symbol, fill, stroke, r: 5.5, strokeWidth: 1.5 }),
        Plot.dot(focus, { y: 'unitName', x: 'value', r: 11, stroke: '#111', strokeWidth: 1.5 }),
        Plot.dot(sel, { y: 'unitName', x: 'value', r: 10, stroke: '#111', strokeWidth: 2.5 }),
        Plot.tip(sel, { y: 'unitName', x: 'value', title: 'text', anchor: 'bottom' }),
        Plot.tip(points, Plot.pointerY({ y: 'unitName', x: 'value', title: 'text' })),
      ],
    };
  }
  return {
    width: opts.width, height: 380, marginLeft: 64, marginBottom: 40,
    x: { label: opts.rankLabel, grid: false },
    y: { label: opts.valueLabel, tickFormat: fmt, grid: true },
    color: { type: 'identity' }, symbol: { type: 'identity' },
    marks: [
      Plot.ruleY(ref, { stroke: '#333', strokeDasharray: '4 3' }),
      Plot.ruleX(points, { x: 'rank', y1: 'ciLow', y2: 'ciHigh', stroke, strokeOpacity: 0.55 }),
      Plot.dot(points, { x: 'rank', y: 'value', symbol, fill, stroke, r: 3.2 }),
      Plot.dot(focus, { x: 'rank', y: 'value', r: 9, stroke: '#111', strokeWidth: 2 }),
      Plot.text(focus, { x: 'rank', y: 'value', text: 'unitName', dy: -16, fontWeight: 'bold', stroke: 'white', fill: '#111' }),
      Plot.dot(sel, { x: 'rank', y: 'value', r: 8, stroke: '#111', strokeWidth: 2.5 }),
      Plot.tip(sel, { x: 'rank', y: 'value', title: 'text' }),
      Plot.tip(points, Plot.pointerX({ x: 'rank', y: 'value', title: 'text' })),
    ],
  };
}

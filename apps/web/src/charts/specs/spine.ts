import * as Plot from '@observablehq/plot';
import type { Comparison, MetricDefinition } from '@uitkomst/domain/metrics';
import { fillOf, strokeOf, symbolOf } from '../symbols';

export interface SpineItem {
  metric: MetricDefinition; label: string;
  min: number; p25: number; p75: number; max: number; national: number;
  value: number | null; ciLow: number | null; ciHigh: number | null; comparison: Comparison; suppressed: boolean; text: string;
}

/**
 * Maps a metric value onto a common −1..1 axis centred on the national value, with "better" always to the
 * right (lower-is-better metrics are mirrored), so indicators in euros, scores and shares share one chart.
 */
export function spineScale(item: Pick<SpineItem, 'metric' | 'min' | 'max' | 'national'>): (v: number | null) => number | null {
  const spread = Math.max(Math.abs(item.max - item.national), Math.abs(item.national - item.min)) || 1;
  const dir = item.metric.polarity === 'lower_is_better' ? -1 : 1;
  return (v) => (v === null ? null : Math.max(-1.05, Math.min(1.05, (dir * (v - item.national)) / spread)));
}

export function spineSpec(items: readonly SpineItem[], opts: { width: number; selected: SpineItem | null; worseLabel: string; betterLabel: string }): Plot.PlotOptions {
  const rows = items.map((it) => {
    const s = spineScale(it);
    const [a, b] = [s(it.min)!, s(it.max)!].sort((x, y) => x - y);
    const [q1, q3] = [s(it.p25)!, s(it.p75)!].sort((x, y) => x - y);
    const [c1, c2] = [s(it.ciLow), s(it.ciHigh)].sort((x, y) => (x ?? 0) - (y ?? 0));
    return { ...it, a, b, q1, q3, v: s(it.value), c1, c2 };
  });
  type Row = (typeof rows)[number];
  const shown = rows.filter((r) => r.v !== null);
  const sel = opts.selected ? rows.filter((r) => r.metric.code === opts.selected!.metric.code) : [];
  return {
    width: opts.width, height: items.length * 44 + 60, marginLeft: Math.min(300, opts.width * 0.42), marginRight: 20, marginBottom: 36,
    x: { domain: [-1.1, 1.1], ticks: [-1, 0, 1], tickFormat: (d: number) => (d === -1 ? `← ${opts.worseLabel}` : d === 1 ? `${opts.betterLabel} →` : '|'), label: null },
    y: { domain: items.map((i) => i.label), label: null },
    color: { type: 'identity' }, symbol: { type: 'identity' },
    marks: [
      Plot.barX(rows, { y: 'label', x1: 'a', x2: 'b', fill: '#e4e8ee', insetTop: 10, insetBottom: 10 }),
      Plot.barX(rows, { y: 'label', x1: 'q1', x2: 'q3', fill: '#b8c3d1', insetTop: 10, insetBottom: 10 }),
      Plot.tickX(rows, { y: 'label', x: 0, stroke: '#222', strokeWidth: 2 }),
      Plot.ruleY(shown, { y: 'label', x1: 'c1', x2: 'c2', stroke: (d: Row) => strokeOf(d.comparison), strokeWidth: 2.5 }),
      Plot.dot(shown, { y: 'label', x: 'v', symbol: (d: Row) => symbolOf(d.comparison), fill: (d: Row) => fillOf(d.comparison), stroke: (d: Row) => strokeOf(d.comparison), r: 7, strokeWidth: 1.5 }),
      Plot.text(rows.filter((r) => r.v === null), { y: 'label', x: 0, text: () => '∅', dx: 14, fill: '#8a4b00', fontSize: 14 }),
      Plot.dot(sel, { y: 'label', x: (d: Row) => d.v ?? 0, r: 12, stroke: '#111', strokeWidth: 2 }),
      Plot.tip(sel, { y: 'label', x: (d: Row) => d.v ?? 0, title: 'text' }),
      Plot.tip(rows, Plot.pointerY({ y: 'label', x: (d: Row) => d.v ?? 0, title: 'text' })),
    ],
  };
}

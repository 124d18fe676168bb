import * as Plot from '@observablehq/plot';
import type { Comparison, MetricDefinition } from '@uitkomst/domain/metrics';
import type { Lang } from '../../i18n/lang';
import { axisFormat } from '../../lib/format';
import { fillOf, strokeOf, symbolOf } from '../symbols';

export interface FunnelPoint {
  unit: string; unitName: string; value: number; denominator: number; comparison: Comparison; focus: boolean; text: string;
  low95: number | null; high95: number | null; low998: number | null; high998: number | null;
}
export interface LimitPoint { n: number; low95: number | null; high95: number | null; low998: number | null; high998: number | null }

const Z95 = 1.959964, Z998 = 3.090232;

/** Control limits around a national proportion p: p ± z·√(p(1−p)/n), clipped to 0..1. */
export function proportionLimits(p: number, nMin: number, nMax: number, steps = 80): LimitPoint[] {
  const lo = Math.max(1, nMin), hi = Math.max(lo + 1, nMax);
  return Array.from({ length: steps + 1 }, (_, i) => {
    const n = lo * Math.pow(hi / lo, i / steps);
    const se = Math.sqrt((p * (1 - p)) / n);
    const clip = (v: number) => Math.min(1, Math.max(0, v));
    return { n, low95: clip(p - Z95 * se), high95: clip(p + Z95 * se), low998: clip(p - Z998 * se), high998: clip(p + Z998 * se) };
  });
}

/** Limits as published with each point (the API's funnel95/998 fields), sorted by denominator. */
export function limitsFromPoints(points: readonly FunnelPoint[]): LimitPoint[] {
  return [...points].filter((p) => p.low95 !== null).sort((a, b) => a.denominator - b.denominator)
    .map((p) => ({ n: p.denominator, low95: p.low95, high95: p.high95, low998: p.low998, high998: p.high998 }));
}

export function outsideLimits(p: FunnelPoint): boolean {
  return (p.low998 !== null && p.value < p.low998) || (p.high998 !== null && p.value > p.high998);
}

export function funnelSpec(points: readonly FunnelPoint[], limits: readonly LimitPoint[], opts: {
  metric: MetricDefinition | undefined; lang: Lang; width: number; selected: FunnelPoint | null;
  national: number | null; xLabel: string; valueLabel: string; labels: { l95: string; l998: string };
}): Plot.PlotOptions {
  const ns = points.map((p) => p.denominator);
  const [xMin, xMax] = [Math.min(...ns) * 0.8, Math.max(...ns) * 1.2];
  const logX = ns.length > 1 && xMax / Math.max(1, xMin) > 30;
  const shownLimits = limits.filter((l) => l.n >= xMin && l.n <= xMax);
  const ys = [...points.map((p) => p.value), ...shownLimits.flatMap((l) => [l.low998, l.high998]).filter((v): v is number => v !== null)];
  const line = (y: keyof LimitPoint, dash: string) => Plot.line(shownLimits, { x: 'n', y, stroke: '#555', strokeDasharray: dash, strokeWidth: 1.2, curve: 'monotone-x', clip: true });
  const sel = opts.selected ? [opts.selected] : [];
  const last = shownLimits.at(-1);
  return {
    width: opts.width, height: 400, marginLeft: 64, marginRight: 90,
    x: { label: opts.xLabel, type: logX ? 'log' : 'linear', domain: [xMin, xMax], grid: true, tickFormat: logX ? '~s' : undefined },
    y: { label: opts.valueLabel, tickFormat: axisFormat(opts.metric, opts.lang), grid: true, domain: [Math.min(...ys), Math.max(...ys)], nice: true, clamp: true },
    color: { type: 'identity' }, symbol: { type: 'identity' },
    marks: [
      Plot.ruleY(opts.national !== null ? [opts.national] : [], { stroke: '#333' }),
      line('low95', '5 3'), line('high95', '5 3'), line('low998', '1.5 2.5'), line('high998', '1.5 2.5'),
      Plot.text(last ? [last] : [], { x: 'n', y: 'high95', text: () => opts.labels.l95, textAnchor: 'start', dx: 6, fill: '#444' }),
      Plot.text(last ? [last] : [], { x: 'n', y: 'high998', text: () => opts.labels.l998, textAnchor: 'start', dx: 6, dy: -6, fill: '#444' }),
      Plot.dot(points, { x: 'denominator', y: 'value', symbol: (d: FunnelPoint) => symbolOf(d.comparison), fill: (d: FunnelPoint) => fillOf(d.comparison), stroke: (d: FunnelPoint) => strokeOf(d.comparison), r: 4, fillOpacity: 0.85 }),
      Plot.dot(points.filter((p) => p.focus), { x: 'denominator', y: 'value', r: 10, stroke: '#111', strokeWidth: 2 }),
      Plot.dot(sel, { x: 'denominator', y: 'value', r: 9, stroke: '#111', strokeWidth: 2.5 }),
      Plot.tip(sel, { x: 'denominator', y: 'value', title: 'text' }),
      Plot.tip(points, Plot.pointer({ x: 'denominator', y: 'value', title: 'text' })),
    ],
  };
}

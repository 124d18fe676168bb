import * as Plot from '@observablehq/plot';
import type { MetricDefinition } from '@uitkomst/domain/metrics';
import type { Lang } from '../../i18n/lang';
import { axisFormat } from '../../lib/format';

export interface GroupPoint { key: string; label: string; value: number | null; ciLow: number | null; ciHigh: number | null; units: number; text: string }

/** Dot-and-interval per group (typology categories), with the national value as a dashed reference. */
export function groupsSpec(points: readonly GroupPoint[], opts: { metric: MetricDefinition | undefined; lang: Lang; width: number; selected: GroupPoint | null; national: number | null; valueLabel: string }): Plot.PlotOptions {
  const shown = points.filter((p) => p.value !== null);
  const sel = opts.selected ? [opts.selected] : [];
  return {
    width: opts.width, height: points.length * 40 + 60, marginLeft: Math.min(220, opts.width * 0.3), marginRight: 30,
    x: { label: opts.valueLabel, tickFormat: axisFormat(opts.metric, opts.lang), grid: true, nice: true },
    y: { label: null, domain: points.map((p) => p.label) },
    marks: [
      Plot.ruleX(opts.national !== null ? [opts.national] : [], { stroke: '#333', strokeDasharray: '4 3' }),
      Plot.ruleY(shown, { y: 'label', x1: 'ciLow', x2: 'ciHigh', stroke: '#0067A5', strokeWidth: 3 }),
      Plot.dot(shown, { y: 'label', x: 'value', fill: '#0067A5', r: 6 }),
      Plot.text(shown, { y: 'label', x: 'ciHigh', text: (d: GroupPoint) => `n=${d.units}`, dx: 8, textAnchor: 'start', fill: '#444' }),
      Plot.dot(sel, { y: 'label', x: 'value', r: 11, stroke: '#111', strokeWidth: 2 }),
      Plot.tip(sel, { y: 'label', x: 'value', title: 'text' }),
      Plot.tip(shown, Plot.pointerY({ y: 'label', x: 'value', title: 'text' })),
    ],
  };
}

import type { Comparison, MetricDefinition } from '@uitkomst/domain/metrics';

/** Okabe-Ito based, safe for the common colour-vision deficiencies; every colour also has a shape and a word. */
export const COMPARISON_COLOURS: Record<Comparison, string> = {
  better: '#0067A5',
  similar: '#6B6B6B',
  worse: '#C24E00',
  not_comparable: '#9A9A9A',
};

export const COMPARISON_GLYPHS: Record<Comparison, string> = { better: '▲', similar: '●', worse: '▼', not_comparable: '○' };

export const COMPARISON_ORDER: readonly Comparison[] = ['better', 'similar', 'worse', 'not_comparable'];

/** better / similar / worse against a reference: only when the 95% interval excludes it, in the metric's direction. */
export function compareToReference(metric: Pick<MetricDefinition, 'polarity'> | undefined, ciLow: number | null, ciHigh: number | null, reference: number | null): Comparison {
  if (ciLow === null || ciHigh === null || reference === null || !metric || metric.polarity === 'none') return 'not_comparable';
  if (ciLow <= reference && reference <= ciHigh) return 'similar';
  const above = ciLow > reference;
  return above === (metric.polarity === 'higher_is_better') ? 'better' : 'worse';
}

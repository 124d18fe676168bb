/**
 * The measure catalogue: every additive indicator a submitter may upload.
 * Adding a measure here is enough for ingestion, the template and the codebook to accept and describe it.
 */
export type MeasureKind = 'count' | 'amount' | 'sum';
export type MeasureFamily = 'effectiveness' | 'satisfaction' | 'efficiency' | 'process' | 'volume';

export interface MeasureDefinition {
  code: string;
  kind: MeasureKind; // count: non-negative integer; amount: euros (2 decimals); sum: non-negative number
  family: MeasureFamily;
  process: boolean; // process measures are context, never a headline
  unit: string;
  description: { en: string; nl: string };
}

export const MEASURES: readonly MeasureDefinition[] = [
  { code: 'clients_start', kind: 'count', family: 'volume', process: false, unit: 'clients', description: { en: 'Clients in service at the start of the month', nl: 'Klanten in dienst aan het begin van de maand' } },
  { code: 'clients_new', kind: 'count', family: 'volume', process: false, unit: 'clients', description: { en: 'Clients who entered service during the month', nl: 'Klanten die in de maand instroomden' } },
  { code: 'exits_total', kind: 'count', family: 'effectiveness', process: false, unit: 'clients', description: { en: 'Clients who left service during the month, for any reason', nl: 'Klanten die in de maand uitstroomden, om welke reden ook' } },
  { code: 'exits_to_work', kind: 'count', family: 'effectiveness', process: false, unit: 'clients', description: { en: 'Clients who left service to paid work', nl: 'Klanten die uitstroomden naar betaald werk' } },
  { code: 'exits_to_work_sustained', kind: 'count', family: 'effectiveness', process: false, unit: 'clients', description: { en: 'Of the exits to work, those still in work 6 months later', nl: 'Van de uitstroom naar werk: na 6 maanden nog aan het werk' } },
  { code: 'survey_respondents', kind: 'count', family: 'satisfaction', process: false, unit: 'respondents', description: { en: 'Clients who answered the satisfaction survey', nl: 'Klanten die de tevredenheidsenquête invulden' } },
  { code: 'survey_score_sum', kind: 'sum', family: 'satisfaction', process: false, unit: 'score points', description: { en: 'Sum of satisfaction scores (1-10)', nl: 'Som van de tevredenheidscijfers (1-10)' } },
  { code: 'survey_score_sumsq', kind: 'sum', family: 'satisfaction', process: false, unit: 'score points squared', description: { en: 'Sum of squared satisfaction scores', nl: 'Som van de gekwadrateerde tevredenheidscijfers' } },
  { code: 'survey_satisfied', kind: 'count', family: 'satisfaction', process: false, unit: 'respondents', description: { en: 'Respondents scoring 7 or more', nl: 'Respondenten met een cijfer van 7 of hoger' } },
  { code: 'cost_personnel_eur', kind: 'amount', family: 'efficiency', process: false, unit: 'EUR', description: { en: 'Personnel cost in euros', nl: 'Personeelskosten in euro' } },
  { code: 'cost_instruments_eur', kind: 'amount', family: 'efficiency', process: false, unit: 'EUR', description: { en: 'Cost of instruments (training, subsidies, coaching) in euros', nl: 'Kosten van instrumenten (scholing, subsidies, coaching) in euro' } },
  { code: 'cost_overhead_eur', kind: 'amount', family: 'efficiency', process: false, unit: 'EUR', description: { en: 'Overhead cost in euros', nl: 'Overheadkosten in euro' } },
  { code: 'days_to_first_offer_sum', kind: 'sum', family: 'process', process: true, unit: 'days', description: { en: 'Sum over new clients of days from intake to first offer', nl: 'Som over nieuwe klanten van dagen tot het eerste aanbod' } },
  { code: 'first_offers', kind: 'count', family: 'process', process: true, unit: 'clients', description: { en: 'New clients who received a first offer', nl: 'Nieuwe klanten die een eerste aanbod kregen' } },
  { code: 'joint_plans', kind: 'count', family: 'process', process: true, unit: 'clients', description: { en: 'Clients with one joint plan across partners', nl: 'Klanten met één gezamenlijk plan van de partners' } },
];

export const MEASURE_CODES = MEASURES.map((m) => m.code);
const byCode = new Map(MEASURES.map((m) => [m.code, m]));

export function measureByCode(code: string): MeasureDefinition | undefined {
  return byCode.get(code);
}

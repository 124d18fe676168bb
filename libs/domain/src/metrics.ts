/** Metric catalogue: codes are the API's. Definitions and methods are in docs/metrics.md. */
export type Polarity = 'higher_is_better' | 'lower_is_better' | 'none';
export type MetricMethod = 'wilson' | 't_mean' | 'byar_ratio' | 'none';

export interface MetricDefinition {
  code: string;
  family: 'effectiveness' | 'satisfaction' | 'efficiency' | 'process';
  process: boolean;
  polarity: Polarity;
  method: MetricMethod;
  valueType: 'proportion' | 'mean' | 'euros' | 'days' | 'rate';
  numerator: string;
  denominator: string;
  label: { nl: string; en: string };
}

export const METRICS: readonly MetricDefinition[] = [
  { code: 'outflow_to_work', family: 'effectiveness', process: false, polarity: 'higher_is_better', method: 'wilson', valueType: 'proportion', numerator: 'exits_to_work', denominator: 'clients_start + clients_new', label: { nl: 'Uitstroom naar werk', en: 'Outflow to work' } },
  { code: 'outflow_to_work_adjusted', family: 'effectiveness', process: false, polarity: 'higher_is_better', method: 'byar_ratio', valueType: 'rate', numerator: 'exits_to_work (observed)', denominator: 'expected exits_to_work from national group rates', label: { nl: 'Uitstroom naar werk, gecorrigeerd voor klantmix', en: 'Outflow to work, case-mix adjusted' } },
  { code: 'sustained_outflow', family: 'effectiveness', process: false, polarity: 'higher_is_better', method: 'wilson', valueType: 'proportion', numerator: 'exits_to_work_sustained', denominator: 'exits_to_work', label: { nl: 'Duurzame uitstroom (na 6 maanden nog werk)', en: 'Sustained outflow (in work after 6 months)' } },
  { code: 'satisfaction_mean', family: 'satisfaction', process: false, polarity: 'higher_is_better', method: 't_mean', valueType: 'mean', numerator: 'survey_score_sum', denominator: 'survey_respondents', label: { nl: 'Klanttevredenheid (gemiddeld cijfer)', en: 'Client satisfaction (mean score)' } },
  { code: 'satisfaction_share', family: 'satisfaction', process: false, polarity: 'higher_is_better', method: 'wilson', valueType: 'proportion', numerator: 'survey_satisfied', denominator: 'survey_respondents', label: { nl: 'Tevreden klanten (cijfer 7 of hoger)', en: 'Satisfied clients (score 7 or more)' } },
  { code: 'cost_per_case', family: 'efficiency', process: false, polarity: 'lower_is_better', method: 'none', valueType: 'euros', numerator: 'cost_personnel_eur + cost_instruments_eur + cost_overhead_eur', denominator: 'clients_start + clients_new', label: { nl: 'Kosten per klant', en: 'Cost per case' } },
  { code: 'cost_per_exit_to_work', family: 'efficiency', process: false, polarity: 'lower_is_better', method: 'none', valueType: 'euros', numerator: 'cost_personnel_eur + cost_instruments_eur + cost_overhead_eur', denominator: 'exits_to_work', label: { nl: 'Kosten per uitstroom naar werk', en: 'Cost per exit to work' } },
  { code: 'lead_time_days', family: 'process', process: true, polarity: 'lower_is_better', method: 'none', valueType: 'days', numerator: 'days_to_first_offer_sum', denominator: 'first_offers', label: { nl: 'Doorlooptijd tot eerste aanbod (dagen)', en: 'Lead time to first offer (days)' } },
  { code: 'joint_plan_share', family: 'process', process: true, polarity: 'higher_is_better', method: 'wilson', valueType: 'proportion', numerator: 'joint_plans', denominator: 'Σ months (clients_start + clients_new)', label: { nl: 'Aandeel met één gezamenlijk plan', en: 'Share with one joint plan' } },
];

export const METRIC_CODES = METRICS.map((m) => m.code);
export const LEVELS = ['site', 'municipality', 'region', 'national'] as const;
export type Level = (typeof LEVELS)[number];
export const GRAINS = ['month', 'quarter', 'year', 'rolling12'] as const;
export type Grain = (typeof GRAINS)[number];
export const COMPARISONS = ['better', 'similar', 'worse', 'not_comparable'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export function metricByCode(code: string): MetricDefinition | undefined {
  return METRICS.find((m) => m.code === code);
}

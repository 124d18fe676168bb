/** Site typology from the seeds (see DOMAIN.md "Site typology"). Changes are dated (valid_from). */
export const SITE_KINDS = ['werkplein', 'wijkteam'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const INTEGRATION_LEVELS = ['none', 'limited', 'partial', 'full'] as const; // KPMG, 003:239-244
export const COORDINATION_DIMENSIONS = [
  'intake', 'diagnosis', 'aanbodversterking', 'job_mediation', 'employer_services', 'shared_resources', 'information_exchange', 'programme',
] as const; // 001:186-242
export const COORDINATION_FORMS = ['none', 'product', 'process', 'both', 'integrated'] as const;
export const PHASES = [1, 2, 3] as const; // 001:340
export const TEAM_MODELS = ['A', 'B', 'C', 'D'] as const; // wijkteams only, 003:306-311
export const MATURITY_LEVELS = ['opportunistic', 'systematic', 'mature'] as const; // 000:681-689

export type IntegrationLevel = (typeof INTEGRATION_LEVELS)[number];
export type CoordinationDimension = (typeof COORDINATION_DIMENSIONS)[number];
export type CoordinationForm = (typeof COORDINATION_FORMS)[number];
export type TeamModel = (typeof TEAM_MODELS)[number];
export type Maturity = (typeof MATURITY_LEVELS)[number];

export interface SiteTypology {
  validFrom: string; // ISO date
  integrationLevel: IntegrationLevel;
  coordination: Record<CoordinationDimension, CoordinationForm>;
  phase: 1 | 2 | 3;
  teamModel: TeamModel | null;
  coLocated: boolean;
  jointManagement: boolean;
  maturity: Maturity;
}

export const TEAM_MODEL_LABELS: Record<TeamModel, { nl: string; en: string }> = {
  A: { nl: 'Breed integraal team', en: 'Broad integrated team' },
  B: { nl: 'Specifieke teams', en: 'Specific teams' },
  C: { nl: 'Generalistische voorpost', en: 'Generalist front post' },
  D: { nl: 'Multiprobleemteam', en: 'Multi-problem team' },
};

export const ORGANISATION_KINDS = ['municipality', 'uwv_region', 'intermunicipal_service'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

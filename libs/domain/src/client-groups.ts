/** Six mutually exclusive client groups. `jongeren` (under 27) takes precedence over any scheme. */
export const CLIENT_GROUPS = ['jongeren', 'ww', 'bijstand_kort', 'bijstand_lang', 'arbeidsbeperking', 'overig'] as const;
export type ClientGroup = (typeof CLIENT_GROUPS)[number];
export const ALL_CLIENT_GROUPS = 'all';

export const CLIENT_GROUP_LABELS: Record<ClientGroup, { nl: string; en: string }> = {
  jongeren: { nl: 'Jongeren (onder 27)', en: 'Young people (under 27)' },
  ww: { nl: 'WW (27+)', en: 'Unemployment insurance (27+)' },
  bijstand_kort: { nl: 'Bijstand, korte afstand tot werk (27+)', en: 'Social assistance, short distance to work (27+)' },
  bijstand_lang: { nl: 'Bijstand, lange afstand tot werk (27+)', en: 'Social assistance, long distance to work (27+)' },
  arbeidsbeperking: { nl: 'Arbeidsbeperking (27+)', en: 'Occupational disability (27+)' },
  overig: { nl: 'Overig (27+)', en: 'Other (27+)' },
};

export function isClientGroup(value: string): value is ClientGroup {
  return (CLIENT_GROUPS as readonly string[]).includes(value);
}

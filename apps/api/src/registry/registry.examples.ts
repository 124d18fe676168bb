/** Examples of registry answers and bodies for the OpenAPI document, in the shapes the demo registry gives. */
const TYPOLOGY = {
  validFrom: '2016-04-01', integrationLevel: 'full',
  coordination: {
    intake: 'integrated', diagnosis: 'integrated', programme: 'both', job_mediation: 'integrated', shared_resources: 'process',
    aanbodversterking: 'process', employer_services: 'process', information_exchange: 'process',
  },
  phase: 2, teamModel: null, coLocated: true, jointManagement: true, maturity: 'systematic',
};

export const SITE_EXAMPLE = {
  code: 'WP-AM18-01', name: 'Werkplein Amsterdam Centrum', kind: 'werkplein', regionCode: 'AM18', startDate: '2010-05-01', endDate: null,
  municipalities: ['GM0363'], partners: ['ORG-GM0363', 'UWV-AM18'], typology: [TYPOLOGY],
};

export const SITE_BODY_EXAMPLE = {
  name: 'Werkplein Amsterdam Centrum', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0363'], partnerCodes: ['ORG-GM0363', 'UWV-AM18'],
  startDate: '2010-05-01', endDate: null, typology: [TYPOLOGY],
};

export const TYPOLOGY_EXAMPLE = TYPOLOGY;

export const ORGANISATION_BODY_EXAMPLE = { name: 'Gemeente Amsterdam', kind: 'municipality', municipalityCode: 'GM0363', regionCode: 'AM18', publicationConsent: true };

export const ORGANISATION_EXAMPLE = { code: 'ORG-GM0363', ...ORGANISATION_BODY_EXAMPLE, createdAt: '2026-12-05T07:25:58.814Z', updatedAt: '2026-12-05T07:25:58.814Z' };

export const MUNICIPALITY_EXAMPLE = { code: 'GM0363', name: 'Amsterdam', regionCode: 'AM18', provinceCode: 'PV27', validFrom: '2010-01-01', validTo: null, successorCode: null };

export const MERGED_MUNICIPALITY_EXAMPLE = { code: 'GM0003', name: 'Appingedam', regionCode: 'AM01', provinceCode: 'PV20', validFrom: '2010-01-01', validTo: '2020-12-31', successorCode: 'GM1979' };

export const MUNICIPALITY_IMPORT_EXAMPLE = {
  regions: [{ code: 'AM01', name: 'Groningen' }],
  provinces: [{ code: 'PV20', name: 'Groningen' }],
  municipalities: [MERGED_MUNICIPALITY_EXAMPLE, { code: 'GM1979', name: 'Eemsdelta', regionCode: 'AM01', provinceCode: 'PV20', validFrom: '2021-01-01', validTo: null, successorCode: null }],
};

export const REGISTRY_IMPORT_EXAMPLE = {
  organisations: [{ code: 'ORG-GM0363', ...ORGANISATION_BODY_EXAMPLE }],
  sites: [{ code: 'WP-AM18-01', ...SITE_BODY_EXAMPLE }],
};

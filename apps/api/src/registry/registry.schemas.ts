/** Request schemas for registry writes (admin API and CLI import). */
import { COORDINATION_DIMENSIONS, COORDINATION_FORMS, INTEGRATION_LEVELS, MATURITY_LEVELS, ORGANISATION_KINDS, SITE_KINDS, TEAM_MODELS } from '@uitkomst/domain';
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD');
const coordination = z.object(Object.fromEntries(COORDINATION_DIMENSIONS.map((d) => [d, z.enum(COORDINATION_FORMS)])) as Record<(typeof COORDINATION_DIMENSIONS)[number], z.ZodEnum<any>>);

export const TypologySchema = z.object({
  validFrom: isoDate,
  integrationLevel: z.enum(INTEGRATION_LEVELS),
  coordination,
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  teamModel: z.enum(TEAM_MODELS).nullable(),
  coLocated: z.boolean(),
  jointManagement: z.boolean(),
  maturity: z.enum(MATURITY_LEVELS),
});

export const OrganisationSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,39}$/, 'upper-case letters, digits and dashes, 3-40 characters'),
  name: z.string().min(1).max(200),
  kind: z.enum(ORGANISATION_KINDS),
  municipalityCode: z.string().regex(/^GM\d{4}$/).nullable().default(null),
  regionCode: z.string().regex(/^AM\d{2}$/).nullable().default(null),
  publicationConsent: z.boolean().default(true),
});

export const SiteSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,39}$/, 'upper-case letters, digits and dashes, 3-40 characters'),
  name: z.string().min(1).max(200),
  kind: z.enum(SITE_KINDS),
  regionCode: z.string().regex(/^AM\d{2}$/),
  municipalityCodes: z.array(z.string().regex(/^GM\d{4}$/)).min(1),
  partnerCodes: z.array(z.string()).min(1),
  startDate: isoDate,
  endDate: isoDate.nullable().default(null),
  typology: z.array(TypologySchema).default([]),
});

export const RegistrySeedSchema = z.object({ organisations: z.array(OrganisationSchema), sites: z.array(SiteSchema) });

import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SITE_KINDS } from '@uitkomst/domain';
import { z } from 'zod';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { actorOf, CurrentKey, Roles } from '../auth/auth.guard';
import { ApiZodBody } from '../common/openapi';
import { parseWith } from '../common/zod-body';
import { listMunicipalities, listRegions, listSites } from './registry-queries';
import { OrganisationSchema, RegistrySeedSchema, SiteSchema, TypologySchema } from './registry.schemas';
import {
  MERGED_MUNICIPALITY_EXAMPLE, MUNICIPALITY_EXAMPLE, MUNICIPALITY_IMPORT_EXAMPLE, ORGANISATION_BODY_EXAMPLE, ORGANISATION_EXAMPLE, REGISTRY_IMPORT_EXAMPLE,
  SITE_BODY_EXAMPLE, SITE_EXAMPLE, TYPOLOGY_EXAMPLE,
} from './registry.examples';
import { RegistryService } from './registry.service';

const list = (description: string, example: unknown[]) => ApiOkResponse({ description, schema: { type: 'array', items: { type: 'object' }, example } });
const one = (description: string, example: unknown) => ApiOkResponse({ description, schema: { type: 'object', example } });
const siteCode = ApiParam({ name: 'code', description: 'Site code: WP-<region>-<nn> for a Werkplein, WT-<municipality>-<nn> for a wijkteam', example: 'WP-AM18-01' });

const regionParam = (v?: string) => {
  if (v !== undefined && !/^AM\d{2}$/.test(v)) throw new BadRequestException('region must be a labour-market region code such as AM18');
  return v;
};

@ApiTags('registry')
@Controller('api/v1')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Get('regions') @ApiOperation({ summary: 'The 35 labour-market regions (arbeidsmarktregio\'s) with their number of municipalities' })
  @list('Regions by code', [{ code: 'AM01', name: 'Groningen', municipalities: 14 }, { code: 'AM18', name: 'Groot Amsterdam', municipalities: 8 }])
  regions() {
    return listRegions(this.registry.db);
  }

  @Get('municipalities')
  @ApiOperation({ summary: 'Municipalities (CBS codes); historic=true adds merged ones with valid_to and successorCode' })
  @ApiQuery({ name: 'region', required: false, example: 'AM18', description: 'Only the municipalities of this labour-market region (AM..)' })
  @ApiQuery({ name: 'historic', required: false, enum: ['true', 'false'], description: 'true: also municipalities that have merged away (default false)' })
  @list('Municipalities by code; merged ones carry validTo and successorCode', [MUNICIPALITY_EXAMPLE, MERGED_MUNICIPALITY_EXAMPLE])
  municipalities(@Query('region') region?: string, @Query('historic') historic?: string) {
    return listMunicipalities(this.registry.db, { region: regionParam(region), includeHistoric: historic === 'true' });
  }

  @Get('sites')
  @ApiOperation({ summary: 'Sites (Werkpleinen and wijkteams) with served municipalities, partners and dated typology' })
  @ApiQuery({ name: 'region', required: false, example: 'AM18', description: 'Only the sites of this labour-market region (AM..)' })
  @ApiQuery({ name: 'kind', required: false, enum: SITE_KINDS, description: 'Only Werkpleinen or only wijkteams' })
  @list('Sites by code, each with its dated typology records', [SITE_EXAMPLE])
  sites(@Query('region') region?: string, @Query('kind') kind?: string) {
    if (kind !== undefined && !(SITE_KINDS as readonly string[]).includes(kind)) throw new BadRequestException(`kind must be one of ${SITE_KINDS.join(', ')}`);
    return listSites(this.registry.db, { region: regionParam(region), kind });
  }

  @Get('sites/:code') @ApiOperation({ summary: 'One site' })
  @siteCode @one('The site', SITE_EXAMPLE) @ApiNotFoundResponse({ description: 'No site with this code' })
  async site(@Param('code') code: string) {
    const [site] = await listSites(this.registry.db, { code });
    if (!site) throw new NotFoundException(`site ${code} not found`);
    return site;
  }
}

const MunicipalityImport = z.object({
  regions: z.array(z.object({ code: z.string().regex(/^AM\d{2}$/), name: z.string().min(1) })),
  provinces: z.array(z.object({ code: z.string().regex(/^PV\d{2}$/), name: z.string().min(1) })),
  municipalities: z.array(z.object({
    code: z.string().regex(/^GM\d{4}$/), name: z.string().min(1), regionCode: z.string().regex(/^AM\d{2}$/),
    provinceCode: z.string().regex(/^PV\d{2}$/), validFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    validTo: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(), successorCode: z.string().regex(/^GM\d{4}$/).nullable(),
  })),
});

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin')
export class RegistryAdminController {
  constructor(private readonly registry: RegistryService) {}

  @Get('organisations') @ApiOperation({ summary: 'Registered organisations with their publication consent' })
  @list('Organisations by code', [ORGANISATION_EXAMPLE])
  async organisations(@CurrentKey() key: AuthenticatedKey) {
    await this.registry.audit.record(actorOf(key), 'organisation.list', 'organisation', null);
    return this.registry.listOrganisations();
  }

  @Put('organisations/:code') @ApiOperation({ summary: 'Register or update an organisation' })
  @ApiParam({ name: 'code', description: 'Organisation code: upper-case letters, digits and dashes, 3-40 characters', example: 'ORG-GM0363' })
  @ApiZodBody(OrganisationSchema.omit({ code: true }), ORGANISATION_BODY_EXAMPLE, 'The organisation; the code comes from the path')
  @one('The organisation as stored', { code: 'ORG-GM0363', ...ORGANISATION_BODY_EXAMPLE })
  async putOrganisation(@CurrentKey() key: AuthenticatedKey, @Param('code') code: string, @Body() body: unknown) {
    const org = parseWith(OrganisationSchema, { ...(body as object), code });
    await this.registry.upsertOrganisation(actorOf(key), org);
    return org;
  }

  @Put('sites/:code') @ApiOperation({ summary: 'Register or update a site (typology records are added by validFrom)' })
  @siteCode @ApiZodBody(SiteSchema.omit({ code: true }), SITE_BODY_EXAMPLE, 'The site; the code comes from the path')
  @one('The site as stored', SITE_EXAMPLE)
  async putSite(@CurrentKey() key: AuthenticatedKey, @Param('code') code: string, @Body() body: unknown) {
    const site = parseWith(SiteSchema, { ...(body as object), code });
    await this.registry.upsertSite(actorOf(key), site);
    return (await listSites(this.registry.db, { code }))[0];
  }

  @Post('sites/:code/typology') @ApiOperation({ summary: 'Record the typology valid from a date' })
  @siteCode @ApiZodBody(TypologySchema, TYPOLOGY_EXAMPLE, 'The typology valid from validFrom on')
  @ApiCreatedResponse({ description: 'The site with its typology records', schema: { type: 'object', example: SITE_EXAMPLE } })
  async addTypology(@CurrentKey() key: AuthenticatedKey, @Param('code') code: string, @Body() body: unknown) {
    await this.registry.addTypology(actorOf(key), code, parseWith(TypologySchema, body));
    return (await listSites(this.registry.db, { code }))[0];
  }

  @Post('registry/import') @ApiOperation({ summary: 'Register many organisations and sites at once' })
  @ApiZodBody(RegistrySeedSchema, REGISTRY_IMPORT_EXAMPLE, 'Organisations and sites, in one transaction')
  @ApiCreatedResponse({ description: 'How many were registered', schema: { type: 'object', example: { organisations: 1, sites: 1 } } })
  importRegistry(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    return this.registry.importRegistry(actorOf(key), parseWith(RegistrySeedSchema, body));
  }

  @Post('municipalities/import') @ApiOperation({ summary: 'Import a year\'s CBS municipality list with mergers (validTo, successorCode)' })
  @ApiZodBody(MunicipalityImport, MUNICIPALITY_IMPORT_EXAMPLE, 'Regions, provinces and municipalities; a merged municipality names its successor')
  @ApiCreatedResponse({ description: 'How many were imported', schema: { type: 'object', example: { regions: 1, provinces: 1, municipalities: 2 } } })
  importMunicipalities(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    return this.registry.importMunicipalities(actorOf(key), parseWith(MunicipalityImport, body));
  }
}

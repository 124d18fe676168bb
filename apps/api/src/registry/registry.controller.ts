import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SITE_KINDS } from '@uitkomst/domain';
import { z } from 'zod';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { actorOf, CurrentKey, Roles } from '../auth/auth.guard';
import { parseWith } from '../common/zod-body';
import { listMunicipalities, listRegions, listSites } from './registry-queries';
import { OrganisationSchema, RegistrySeedSchema, SiteSchema, TypologySchema } from './registry.schemas';
import { RegistryService } from './registry.service';

const regionParam = (v?: string) => {
  if (v !== undefined && !/^AM\d{2}$/.test(v)) throw new BadRequestException('region must be a labour-market region code such as AM18');
  return v;
};

@ApiTags('registry')
@Controller('api/v1')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Get('regions') @ApiOperation({ summary: 'The 35 labour-market regions (arbeidsmarktregio\'s) with their number of municipalities' })
  regions() {
    return listRegions(this.registry.db);
  }

  @Get('municipalities')
  @ApiOperation({ summary: 'Municipalities (CBS codes); historic=true adds merged ones with valid_to and successorCode' })
  @ApiQuery({ name: 'region', required: false, example: 'AM18' })
  @ApiQuery({ name: 'historic', required: false, enum: ['true', 'false'] })
  municipalities(@Query('region') region?: string, @Query('historic') historic?: string) {
    return listMunicipalities(this.registry.db, { region: regionParam(region), includeHistoric: historic === 'true' });
  }

  @Get('sites')
  @ApiOperation({ summary: 'Sites (Werkpleinen and wijkteams) with served municipalities, partners and dated typology' })
  @ApiQuery({ name: 'region', required: false, example: 'AM18' })
  @ApiQuery({ name: 'kind', required: false, enum: SITE_KINDS })
  sites(@Query('region') region?: string, @Query('kind') kind?: string) {
    if (kind !== undefined && !(SITE_KINDS as readonly string[]).includes(kind)) throw new BadRequestException(`kind must be one of ${SITE_KINDS.join(', ')}`);
    return listSites(this.registry.db, { region: regionParam(region), kind });
  }

  @Get('sites/:code') @ApiOperation({ summary: 'One site' })
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
  async organisations(@CurrentKey() key: AuthenticatedKey) {
    await this.registry.audit.record(actorOf(key), 'organisation.list', 'organisation', null);
    return this.registry.listOrganisations();
  }

  @Put('organisations/:code') @ApiOperation({ summary: 'Register or update an organisation' })
  async putOrganisation(@CurrentKey() key: AuthenticatedKey, @Param('code') code: string, @Body() body: unknown) {
    const org = parseWith(OrganisationSchema, { ...(body as object), code });
    await this.registry.upsertOrganisation(actorOf(key), org);
    return org;
  }

  @Put('sites/:code') @ApiOperation({ summary: 'Register or update a site (typology records are added by validFrom)' })
  async putSite(@CurrentKey() key: AuthenticatedKey, @Param('code') code: string, @Body() body: unknown) {
    const site = parseWith(SiteSchema, { ...(body as object), code });
    await this.registry.upsertSite(actorOf(key), site);
    return (await listSites(this.registry.db, { code }))[0];
  }

  @Post('sites/:code/typology') @ApiOperation({ summary: 'Record the typology valid from a date' })
  async addTypology(@CurrentKey() key: AuthenticatedKey, @Param('code') code: string, @Body() body: unknown) {
    await this.registry.addTypology(actorOf(key), code, parseWith(TypologySchema, body));
    return (await listSites(this.registry.db, { code }))[0];
  }

  @Post('registry/import') @ApiOperation({ summary: 'Register many organisations and sites at once' })
  importRegistry(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    return this.registry.importRegistry(actorOf(key), parseWith(RegistrySeedSchema, body));
  }

  @Post('municipalities/import') @ApiOperation({ summary: 'Import a year\'s CBS municipality list with mergers (validTo, successorCode)' })
  importMunicipalities(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    return this.registry.importMunicipalities(actorOf(key), parseWith(MunicipalityImport, body));
  }
}

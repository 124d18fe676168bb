import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiOperation, ApiParam, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { actorOf, CurrentKey, Roles } from '../auth/auth.guard';
import { ApiZodBody } from '../common/openapi';
import { parseWith } from '../common/zod-body';
import { ReleaseDto, ReleaseSummaryDto } from './releases.schemas';
import { ReleasesService } from './releases.service';

const PublishBody = z.object({ title: z.string().max(200).optional() }).strict();

@ApiTags('releases')
@Controller('api/v1/releases')
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Publish a new release: build the metrics, apply disclosure control, write the immutable Parquet files, manifest and codebook' })
  @ApiZodBody(PublishBody, { title: 'Jaarcijfers 2025' }, 'Optional: the release title', false)
  @ApiCreatedResponse({ type: ReleaseDto })
  @ApiUnauthorizedResponse({ description: 'No or an unknown API key' })
  @ApiForbiddenResponse({ description: 'Not an admin key' })
  @ApiConflictResponse({ description: 'The metric marts cannot be built (models missing)' })
  async publish(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    const { title } = parseWith(PublishBody, body ?? {});
    const release = await this.releases.publish(actorOf(key), title ?? '');
    return { ...this.releases.summary(release), manifest: release.manifest };
  }

  @Get()
  @ApiOperation({ summary: 'Published releases, newest first' })
  @ApiOkResponse({ type: [ReleaseSummaryDto] })
  async list() {
    return (await this.releases.list()).map((r) => this.releases.summary(r));
  }

  @Get('latest')
  @ApiOperation({ summary: 'The newest published release with its manifest' })
  @ApiOkResponse({ type: ReleaseDto })
  @ApiNotFoundResponse({ description: 'No release has been published yet' })
  latest() {
    return this.one('latest');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One release with its manifest (files, row counts, sha256 checksums, submissions, metric-definition version, citation)' })
  @ApiParam({ name: 'id', example: '2026.1', description: 'Release id: <year of publication>.<number within that year>' })
  @ApiOkResponse({ type: ReleaseDto })
  @ApiNotFoundResponse({ description: 'Not a published release; the body lists the published ids' })
  async one(@Param('id') id: string) {
    const release = await this.releases.get(id);
    return { ...this.releases.summary(release), manifest: release.manifest };
  }
}

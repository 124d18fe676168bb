import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Headers, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { parseWith } from '../common/zod-body';
import { ApiKeysService } from './api-keys.service';
import { actorOf, CurrentKey, Roles } from './auth.guard';
import type { AuthenticatedKey } from './api-keys.service';

const CreateKey = z.object({
  role: z.enum(['admin', 'submitter']),
  organisationCode: z.string().max(40).optional(),
  label: z.string().max(200).optional(),
});

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class KeysController {
  constructor(private readonly keys: ApiKeysService, private readonly audit: AuditService) {}

  @Post('bootstrap')
  @ApiOperation({ summary: 'Create the first admin key (only while none exists; needs X-Bootstrap-Token = UITKOMST_BOOTSTRAP_TOKEN)' })
  bootstrap(@Headers('x-bootstrap-token') token?: string) {
    const expected = process.env.UITKOMST_BOOTSTRAP_TOKEN;
    if (!expected || token !== expected) throw new UnauthorizedException('bootstrap needs X-Bootstrap-Token matching UITKOMST_BOOTSTRAP_TOKEN');
    return this.keys.bootstrapAdmin();
  }

  @Get('keys') @Roles('admin') @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  async list(@CurrentKey() key: AuthenticatedKey) {
    await this.audit.record(actorOf(key), 'api_key.list', 'api_key', null);
    return this.keys.list();
  }

  @Post('keys') @Roles('admin') @ApiOperation({ summary: 'Create an API key; the key is shown once in the response' })
  create(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    return this.keys.create(actorOf(key), parseWith(CreateKey, body));
  }

  @Post('keys/:id/rotate') @Roles('admin') @ApiOperation({ summary: 'Replace a key with a new one (shown once) and revoke the old' })
  rotate(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string) {
    return this.keys.rotate(actorOf(key), id);
  }

  @Post('keys/:id/revoke') @HttpCode(204) @Roles('admin') @ApiOperation({ summary: 'Revoke a key' })
  async revoke(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string) {
    await this.keys.revoke(actorOf(key), id);
  }
}

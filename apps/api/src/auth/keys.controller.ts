import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Headers, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { ApiZodBody } from '../common/openapi';
import { parseWith } from '../common/zod-body';
import { ApiKeysService } from './api-keys.service';
import { actorOf, CurrentKey, Roles } from './auth.guard';
import type { AuthenticatedKey } from './api-keys.service';

const CreateKey = z.object({
  role: z.enum(['admin', 'submitter']),
  organisationCode: z.string().max(40).optional(),
  label: z.string().max(200).optional(),
});

const ISSUED_KEY = {
  id: '3f0c9a52-6d1e-4b7a-9c2f-8e5d4a1b7c60', key: 'uk_1a2b3c4d5e6f_x9Y8w7V6u5T4s3R2q1P0o9N8m7L6k5J4', role: 'submitter',
  organisationCode: 'ORG-GM0363', label: 'upload robot', prefix: '1a2b3c4d5e6f',
};
const issued = (description: string) => ApiCreatedResponse({ description: `${description}; \`key\` is shown this once, only its hash is stored`, schema: { type: 'object', example: ISSUED_KEY } });
const keyId = ApiParam({ name: 'id', description: 'The key\'s id (UUID), from GET /api/v1/admin/keys', example: ISSUED_KEY.id });

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class KeysController {
  constructor(private readonly keys: ApiKeysService, private readonly audit: AuditService) {}

  @Post('bootstrap')
  @ApiOperation({ summary: 'Create the first admin key (only while none exists; needs X-Bootstrap-Token = UITKOMST_BOOTSTRAP_TOKEN)' })
  @ApiHeader({ name: 'x-bootstrap-token', required: true, description: 'The value of UITKOMST_BOOTSTRAP_TOKEN set on the server' })
  @issued('The first admin key')
  bootstrap(@Headers('x-bootstrap-token') token?: string) {
    const expected = process.env.UITKOMST_BOOTSTRAP_TOKEN;
    if (!expected || token !== expected) throw new UnauthorizedException('bootstrap needs X-Bootstrap-Token matching UITKOMST_BOOTSTRAP_TOKEN');
    return this.keys.bootstrapAdmin();
  }

  @Get('keys') @Roles('admin') @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  @ApiOkResponse({ description: 'Every key with its prefix, role, organisation and use', schema: { type: 'array', items: { type: 'object' }, example: [{
    id: ISSUED_KEY.id, prefix: ISSUED_KEY.prefix, role: 'submitter', organisationCode: 'ORG-GM0363', label: 'upload robot', demo: false,
    createdAt: '2026-12-05T07:26:03.121Z', revokedAt: null, lastUsedAt: '2026-12-05T08:07:46.638Z',
  }] } })
  async list(@CurrentKey() key: AuthenticatedKey) {
    await this.audit.record(actorOf(key), 'api_key.list', 'api_key', null);
    return this.keys.list();
  }

  @Post('keys') @Roles('admin') @ApiOperation({ summary: 'Create an API key; the key is shown once in the response' })
  @ApiZodBody(CreateKey, { role: 'submitter', organisationCode: 'ORG-GM0363', label: 'upload robot' }, 'A submitter key needs the organisation it submits for')
  @issued('The new key')
  create(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    return this.keys.create(actorOf(key), parseWith(CreateKey, body));
  }

  @Post('keys/:id/rotate') @Roles('admin') @ApiOperation({ summary: 'Replace a key with a new one (shown once) and revoke the old' })
  @keyId @issued('The new key, with the role, organisation and label of the old one')
  rotate(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string) {
    return this.keys.rotate(actorOf(key), id);
  }

  @Post('keys/:id/revoke') @HttpCode(204) @Roles('admin') @ApiOperation({ summary: 'Revoke a key' })
  @keyId @ApiNoContentResponse({ description: 'Revoked; requests with the key get 401 from now on' })
  async revoke(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string) {
    await this.keys.revoke(actorOf(key), id);
  }
}

import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { actorOf, CurrentKey, Roles } from '../auth/auth.guard';
import { ApiZodBody } from '../common/openapi';
import { parseWith } from '../common/zod-body';
import { BackupService } from './backup.service';

const CreateBackup = z.object({ name: z.string().max(100).optional() }).strict();

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class BackupController {
  constructor(private readonly backups: BackupService) {}

  @Post('backups') @Roles('admin')
  @ApiOperation({ summary: 'Write a consistent backup of PostgreSQL, DuckDB, the releases and the error files to DATA_DIR/backups/<name> (restore with `npm run restore`)' })
  @ApiZodBody(CreateBackup, { name: 'before-release-2026.2' }, 'Optional: the name of the backup directory (default: a timestamp)', false)
  @ApiCreatedResponse({ description: 'The backup written: where, how many files and bytes, what it holds', schema: { type: 'object', example: {
    name: 'before-release-2026.2', path: '/var/lib/uitkomst/backups/before-release-2026.2', createdAt: '2026-12-05T08:10:00.000Z', files: 14, bytes: 412345678,
    postgres: { embedded: false, migrations: ['Init1700000000000'], tables: [{ name: 'submission', rows: 10 }] },
    duckdb: { version: 'v1.5.6', factValues: 5713290 }, releases: [{ id: '2026.1', verified: true, problems: [] }],
  } } })
  async create(@CurrentKey() key: AuthenticatedKey, @Body() body: unknown) {
    const { name } = parseWith(CreateBackup, body ?? {});
    const made = await this.backups.create(actorOf(key), name);
    const m = made.manifest;
    return {
      name: made.name, path: made.path, createdAt: m.createdAt, files: m.files.length, bytes: m.files.reduce((s, f) => s + f.bytes, 0),
      postgres: m.postgres, duckdb: m.duckdb, releases: m.releases,
    };
  }
}

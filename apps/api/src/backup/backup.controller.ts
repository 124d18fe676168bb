import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { actorOf, CurrentKey, Roles } from '../auth/auth.guard';
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

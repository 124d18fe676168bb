import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { Actor, AuditService } from '../audit/audit.service';
import { Organisation } from '../registry/entities/organisation.entity';
import { ApiKey, Role } from './api-key.entity';
import { generateKey, hashMatches, prefixOf } from './api-keys';

export interface IssuedKey { id: string; key: string; role: Role; organisationCode: string | null; label: string; prefix: string }
export interface AuthenticatedKey { id: string; role: Role; organisationCode: string | null }

@Injectable()
export class ApiKeysService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly audit: AuditService) {}

  async create(actor: Actor, input: { role: Role; organisationCode?: string | null; label?: string; demo?: boolean }): Promise<IssuedKey> {
    if (input.role !== 'admin' && input.role !== 'submitter') throw new BadRequestException(`role must be admin or submitter, not "${input.role}"`);
    const organisationCode = input.role === 'submitter' ? input.organisationCode ?? null : null;
    if (input.role === 'submitter') {
      if (!organisationCode) throw new BadRequestException('a submitter key needs organisationCode');
      if (!(await this.db.getRepository(Organisation).existsBy({ code: organisationCode })))
        throw new BadRequestException(`organisation ${organisationCode} is not registered`);
    }
    const generated = generateKey();
    return this.db.transaction(async (m) => {
      const row = await m.save(ApiKey, m.create(ApiKey, {
        prefix: generated.prefix, hash: generated.hash, role: input.role, organisationCode, label: input.label ?? '', demo: input.demo ?? false,
      }));
      await this.audit.record(actor, 'api_key.create', 'api_key', row.id, { role: row.role, organisationCode, label: row.label }, m);
      return { id: row.id, key: generated.key, role: row.role, organisationCode, label: row.label, prefix: row.prefix };
    });
  }

  /** Creates the first admin key; refused once any active admin key exists. */
  async bootstrapAdmin(label = 'bootstrap'): Promise<IssuedKey> {
    const admins = await this.db.getRepository(ApiKey).countBy({ role: 'admin', revokedAt: IsNull() });
    if (admins > 0) throw new ConflictException('an active admin key already exists; create further keys with it');
    return this.create({ keyId: null, organisationCode: null }, { role: 'admin', label });
  }

  list() {
    return this.db.getRepository(ApiKey).find({
      order: { createdAt: 'ASC' },
      select: ['id', 'prefix', 'role', 'organisationCode', 'label', 'demo', 'createdAt', 'revokedAt', 'lastUsedAt'],
    });
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    const key = await this.db.getRepository(ApiKey).findOneBy({ id });
    if (!key) throw new NotFoundException(`API key ${id} not found`);
    if (key.revokedAt) return;
    await this.db.transaction(async (m) => {
      await m.update(ApiKey, { id }, { revokedAt: new Date() });
      await this.audit.record(actor, 'api_key.revoke', 'api_key', id, {}, m);
    });
  }

  /** Issues a new key with the same role and organisation and revokes the old one. */
  async rotate(actor: Actor, id: string): Promise<IssuedKey> {
    const old = await this.db.getRepository(ApiKey).findOneBy({ id });
    if (!old || old.revokedAt) throw new NotFoundException(`active API key ${id} not found`);
    const issued = await this.create(actor, { role: old.role, organisationCode: old.organisationCode, label: old.label });
    await this.revoke(actor, id);
    return issued;
  }

  async authenticate(key: string): Promise<AuthenticatedKey | null> {
    const prefix = prefixOf(key);
    if (!prefix) return null;
    const row = await this.db.getRepository(ApiKey).findOneBy({ prefix });
    if (!row || row.revokedAt || !hashMatches(key, row.hash)) return null;
    void this.db.getRepository(ApiKey).update({ id: row.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    return { id: row.id, role: row.role, organisationCode: row.organisationCode };
  }

  countActiveDemoKeys() {
    return this.db.getRepository(ApiKey).countBy({ demo: true, revokedAt: IsNull() });
  }
}

import { BadRequestException, BeforeApplicationShutdown, ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Actor, AuditService } from '../audit/audit.service';
import { Organisation } from '../registry/entities/organisation.entity';
import { ApiKey, Role } from './api-key.entity';
import { hashKey, isLegacyHash, keyMatches, newKeyMaterial, prefixOf } from './api-keys';
import { KeyCache } from './key-cache';

export interface IssuedKey { id: string; key: string; role: Role; organisationCode: string | null; label: string; prefix: string }
export interface AuthenticatedKey { id: string; role: Role; organisationCode: string | null }
interface KeyInput { role: Role; organisationCode?: string | null; label?: string; demo?: boolean }

@Injectable()
export class ApiKeysService implements BeforeApplicationShutdown {
  private readonly log = new Logger('ApiKeys');
  private readonly cache = new KeyCache();
  /** Use records still being written; awaited before the database closes. */
  private readonly recording = new Set<Promise<void>>();

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly audit: AuditService) {}

  async create(actor: Actor, input: KeyInput): Promise<IssuedKey> {
    const organisationCode = await this.checkedOrganisation(input);
    const material = newKeyMaterial();
    const hash = await hashKey(material.key);
    return this.db.transaction((m) => this.insert(m, actor, { ...input, organisationCode }, material, hash));
  }

  private async checkedOrganisation(input: KeyInput): Promise<string | null> {
    if (input.role !== 'admin' && input.role !== 'submitter') throw new BadRequestException(`role must be admin or submitter, not "${input.role}"`);
    if (input.role !== 'submitter') return null;
    const organisationCode = input.organisationCode ?? null;
    if (!organisationCode) throw new BadRequestException('a submitter key needs organisationCode');
    if (!(await this.db.getRepository(Organisation).existsBy({ code: organisationCode })))
      throw new BadRequestException(`organisation ${organisationCode} is not registered`);
    return organisationCode;
  }

  private async insert(m: EntityManager, actor: Actor, input: KeyInput & { organisationCode: string | null }, material: { key: string; prefix: string }, hash: string): Promise<IssuedKey> {
    const row = await m.save(ApiKey, m.create(ApiKey, {
      prefix: material.prefix, hash, role: input.role, organisationCode: input.organisationCode, label: input.label ?? '', demo: input.demo ?? false,
    }));
    await this.audit.record(actor, 'api_key.create', 'api_key', row.id, { role: row.role, organisationCode: row.organisationCode, label: row.label }, m);
    return { id: row.id, key: material.key, role: row.role, organisationCode: row.organisationCode, label: row.label, prefix: row.prefix };
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
    this.cache.forget(id);
  }

  /** Issues a new key with the same role and organisation and revokes the old one, in one transaction. */
  async rotate(actor: Actor, id: string): Promise<IssuedKey> {
    const old = await this.db.getRepository(ApiKey).findOneBy({ id });
    if (!old || old.revokedAt) throw new NotFoundException(`active API key ${id} not found`);
    const material = newKeyMaterial();
    const hash = await hashKey(material.key);
    const issued = await this.db.transaction(async (m) => {
      const fresh = await this.insert(m, actor, { role: old.role, organisationCode: old.organisationCode, label: old.label }, material, hash);
      const revoked = await m.update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: new Date() });
      if (!revoked.affected) throw new NotFoundException(`active API key ${id} not found`);
      await this.audit.record(actor, 'api_key.rotate', 'api_key', id, { replacedBy: fresh.id }, m);
      await this.audit.record(actor, 'api_key.revoke', 'api_key', id, { rotatedTo: fresh.id }, m);
      return fresh;
    });
    this.cache.forget(id);
    return issued;
  }

  async authenticate(key: string): Promise<AuthenticatedKey | null> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const prefix = prefixOf(key);
    if (!prefix) return null;
    const row = await this.db.getRepository(ApiKey).findOneBy({ prefix });
    if (!row || row.revokedAt || !(await keyMatches(key, row.hash))) return null;
    const authenticated: AuthenticatedKey = { id: row.id, role: row.role, organisationCode: row.organisationCode };
    this.cache.set(key, authenticated);
    const recorded = this.afterUse(row, key).finally(() => this.recording.delete(recorded));
    this.recording.add(recorded);
    return authenticated;
  }

  /** Records the use and replaces a pre-scrypt (sha256) hash with a scrypt one. */
  private async afterUse(row: ApiKey, key: string) {
    try {
      const update: Partial<ApiKey> = { lastUsedAt: new Date() };
      if (isLegacyHash(row.hash)) update.hash = await hashKey(key);
      await this.db.getRepository(ApiKey).update({ id: row.id, hash: row.hash }, update);
      if (update.hash) this.log.log(`API key ${row.prefix}: its SHA-256 hash was replaced by a scrypt hash`);
    } catch (err) {
      this.log.warn(`API key ${row.prefix}: recording its use failed: ${(err as Error).message}`);
    }
  }

  async beforeApplicationShutdown() {
    await Promise.allSettled([...this.recording]);
  }

  countActiveDemoKeys() {
    return this.db.getRepository(ApiKey).countBy({ demo: true, revokedAt: IsNull() });
  }
}

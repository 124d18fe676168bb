import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

export interface Actor { keyId: string | null; organisationCode: string | null }
export const SYSTEM_ACTOR: Actor = { keyId: null, organisationCode: null };

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records an event; pass the transaction's manager so the event commits or rolls back with the change. */
  async record(actor: Actor, action: string, targetType: string, targetId: string | null, details: Record<string, unknown> = {}, manager?: EntityManager) {
    await (manager ?? this.db.manager).insert(AuditEvent, {
      actorKeyId: actor.keyId, actorOrganisation: actor.organisationCode, action, targetType, targetId, details: details as never,
    });
  }

  list(limit = 100, offset = 0) {
    return this.db.getRepository(AuditEvent).find({ order: { id: 'DESC' }, take: Math.min(limit, 1000), skip: offset });
  }
}

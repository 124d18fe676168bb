/** Operating commands: keys, organisations, sites and the CBS municipality list, through the admin API. */
import 'reflect-metadata';
import { buildReference, parseCsv, RegistrySeed } from '@uitkomst/domain';
import * as fs from 'node:fs';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { generateKey } from '../auth/api-keys';
import { ApiKey } from '../auth/api-key.entity';
import { loadConfig } from '../config';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { CliCommand, requireFlag } from './command';
import { apiCall } from './http-client';
import * as path from 'node:path';

const print = (v: unknown) => console.log(typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export const adminCommands: CliCommand[] = [
  {
    name: 'keys bootstrap',
    usage: 'keys bootstrap [--label L]',
    summary: 'Create the first admin key directly in the registry database (server stopped if embedded); printed once',
    async run(args) {
      const config = loadConfig();
      const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'));
      const db = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, !!embedded));
      try {
        await db.initialize();
        const active = await db.query(`SELECT count(*)::int AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`);
        if (active[0].n > 0) throw new Error('an active admin key already exists; create further keys with `keys create`');
        const k = generateKey();
        await db.transaction(async (m) => {
          const row = await m.save(ApiKey, m.create(ApiKey, { prefix: k.prefix, hash: k.hash, role: 'admin', organisationCode: null, label: String(args.flags.label ?? 'bootstrap') }));
          await m.insert(AuditEvent, { actorKeyId: null, actorOrganisation: null, action: 'api_key.bootstrap', targetType: 'api_key', targetId: row.id, details: {} });
        });
        print(`admin key (shown once, store it safely):\n${k.key}`);
      } finally {
        if (db.isInitialized) await db.destroy();
        await embedded?.stop();
      }
    },
  },
  { name: 'keys list', usage: 'keys list --key ADMIN_KEY [--url URL]', summary: 'List API keys', run: async (a) => print(await apiCall(a, 'GET', '/api/v1/admin/keys')) },
  {
    name: 'keys create', usage: 'keys create --role admin|submitter [--org ORG-GM0363] [--label L] --key ADMIN_KEY', summary: 'Create a key (shown once)',
    run: async (a) => print(await apiCall(a, 'POST', '/api/v1/admin/keys', { role: requireFlag(a, 'role'), organisationCode: a.flags.org, label: a.flags.label })),
  },
  { name: 'keys rotate', usage: 'keys rotate ID --key ADMIN_KEY', summary: 'Replace a key with a new one', run: async (a) => print(await apiCall(a, 'POST', `/api/v1/admin/keys/${a.positional[0]}/rotate`)) },
  { name: 'keys revoke', usage: 'keys revoke ID --key ADMIN_KEY', summary: 'Revoke a key', run: async (a) => { await apiCall(a, 'POST', `/api/v1/admin/keys/${a.positional[0]}/revoke`); print('revoked'); } },
  {
    name: 'registry import', usage: 'registry import FILE.json --key ADMIN_KEY', summary: 'Register or update organisations and sites ({organisations, sites})',
    run: async (a) => print(await apiCall(a, 'POST', '/api/v1/admin/registry/import', JSON.parse(fs.readFileSync(a.positional[0], 'utf8')) as RegistrySeed)),
  },
  {
    name: 'municipalities import', usage: 'municipalities import gemeente_YYYY.csv [--mergers mergers.csv] --key ADMIN_KEY',
    summary: 'Import a year\'s CBS municipality list (columns as gemeente_2025.csv) with mergers (old_code,old_name,successor_code,effective_date)',
    async run(a) {
      const gemeenten = parseCsv(fs.readFileSync(a.positional[0], 'utf8'));
      const mergers = typeof a.flags.mergers === 'string' ? parseCsv(fs.readFileSync(a.flags.mergers, 'utf8')) : [];
      const built = buildReference(gemeenten, mergers);
      print(await apiCall(a, 'POST', '/api/v1/admin/municipalities/import', {
        regions: built.regions, provinces: built.provinces,
        municipalities: built.municipalities.map((m) => ({
          code: m.code, name: m.name, regionCode: m.region_code, provinceCode: m.province_code,
          validFrom: m.valid_from, validTo: m.valid_to || null, successorCode: m.successor_code || null,
        })),
      }));
    },
  },
];

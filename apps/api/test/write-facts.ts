/** Crafted warehouse states: one submission's facts written the way the fact pipeline commits them. */
import type { Warehouse } from '@uitkomst/warehouse';
import { commitFacts, CommitResult } from '../src/ingestion/fact-pipeline';

export interface CraftedFact { site: string; municipality: string; month: string; group: string; measure: string; value: number }

/** Supersedes the current values of the same keys and appends `facts` (`month` 'YYYY-MM' or 'YYYY-MM-DD'), in one transaction. */
export function writeSubmissionFacts(warehouse: Warehouse, submissionId: string, acceptedAt: Date | string, facts: CraftedFact[]): Promise<CommitResult> {
  return warehouse.transaction(async (conn) => {
    await conn.run(`CREATE OR REPLACE TEMP TABLE crafted_facts (site_code VARCHAR, municipality_code VARCHAR, period_date DATE, client_group VARCHAR,
      measure VARCHAR, value_num DOUBLE)`);
    for (const f of facts) {
      const day = f.month.length === 7 ? `${f.month}-01` : f.month;
      await conn.run(`INSERT INTO crafted_facts VALUES ($1, $2, CAST($3 AS DATE), $4, $5, $6)`, [f.site, f.municipality, day, f.group, f.measure, f.value]);
    }
    const result = await commitFacts(conn, submissionId, acceptedAt, {
      select: 'SELECT * FROM crafted_facts', keys: 'crafted_facts', period: 'period_date', measureMatch: 'mc.code = k.measure',
    }, facts.length);
    await conn.run('DROP TABLE crafted_facts');
    return result;
  });
}

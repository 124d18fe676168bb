import { SYSTEM_ACTOR } from '../src/audit/audit.service';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { startTestApp } from './test-app';

describe('production mode', () => {
  it('starts with the reference lists and no demo keys', async () => {
    const t = await startTestApp('pglite', { mode: 'production', loadDemo: false });
    try {
      await runFirstStart(t.app);
      expect(await t.app.get(ApiKeysService).list()).toEqual([]);
      const regions = await (await fetch(`${t.url}/api/v1/regions`)).json();
      expect(regions).toHaveLength(35);
    } finally {
      await t.close();
    }
  });

  it('refuses to start while a demo key is active', async () => {
    const t = await startTestApp('pglite', { mode: 'production', loadDemo: false });
    try {
      const keys = t.app.get(ApiKeysService);
      const demo = await keys.create(SYSTEM_ACTOR, { role: 'admin', demo: true });
      await expect(runFirstStart(t.app)).rejects.toThrow(/refuses to start: 1 demo API key/);
      await keys.revoke(SYSTEM_ACTOR, demo.id);
      await expect(runFirstStart(t.app)).resolves.toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

import { startEmbeddedPostgres } from './lib/db/embedded';
const mod = await import('./.tmp-migrate-nochar');
const pg = await startEmbeddedPostgres({ port: 54393, dataDir: '/tmp/shipcheck-pg-panic/pg' });
try {
  await mod.diffSchemaToMigration(pg.adminUrl, 'x', { log: () => {}, migrationsDir: '/tmp/shipcheck-pg-panic/mig' });
} catch (e) { console.log('CAUGHT:', (e as Error).message.slice(0, 200)); }
finally { await pg.stop(); }

/**
 * The PostgreSQL roles documented in docs/audit.md: an append-only writer and a read-only
 * auditor. Creates uniquely named roles and a schema on 127.0.0.1 and drops them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openStore, type ContactHubStore } from '../../core/store';
import { AuditLog, createAuditKey } from '../../core/audit';
import { POSTGRES_CONNECTION } from './storeTargets';

const key = createAuditKey({ keyId: 'grants-test', algorithm: 'hmac-sha256', secret: 'grants-test-secret-grants-test-secret' });
const event = { step: 'received' as const, actor: { type: 'system' as const, id: 'sohTrigger' }, outcome: 'success' as const };

describe('audit log PostgreSQL roles', () => {
  const suffix = randomBytes(4).toString('hex');
  const schema = `audit_grants_${suffix}`;
  const writer = `audit_writer_${suffix}`;
  const auditor = `audit_auditor_${suffix}`;
  let admin: Client;
  let owner: ContactHubStore;
  let writerStore: ContactHubStore;
  let auditorStore: ContactHubStore;

  beforeAll(async () => {
    owner = await openStore({ type: 'postgres', ...POSTGRES_CONNECTION, schema });
    admin = new Client(POSTGRES_CONNECTION);
    await admin.connect();
    // The same statements as docs/audit.md, with the schema and role names filled in.
    await admin.query(`
      CREATE ROLE ${writer} LOGIN;
      CREATE ROLE ${auditor} LOGIN;
      REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM PUBLIC;
      GRANT USAGE ON SCHEMA ${schema} TO ${writer}, ${auditor};
      GRANT SELECT ON ${schema}.schema_migrations TO ${writer}, ${auditor};
      GRANT SELECT, INSERT ON ${schema}.audit_events, ${schema}.audit_checkpoints TO ${writer};
      GRANT SELECT, INSERT, DELETE ON ${schema}.audit_content TO ${writer};
      GRANT SELECT, INSERT, UPDATE ON ${schema}.audit_head TO ${writer};
      GRANT SELECT ON ${schema}.audit_events, ${schema}.audit_checkpoints, ${schema}.audit_head TO ${auditor};
    `);
    // Least-privileged roles may not create tables, so they only check that the schema is current.
    const leastPrivileged = { type: 'postgres', ...POSTGRES_CONNECTION, schema, migrations: 'require-current' } as const;
    writerStore = await openStore({ ...leastPrivileged, user: writer });
    auditorStore = await openStore({ ...leastPrivileged, user: auditor });
  });

  afterAll(async () => {
    await writerStore?.close();
    await auditorStore?.close();
    await owner?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`DROP ROLE IF EXISTS ${writer}`);
    await admin.query(`DROP ROLE IF EXISTS ${auditor}`);
    await admin.end();
  });

  it('refuses a least-privileged open of a missing schema', async () => {
    const open = openStore({ type: 'postgres', ...POSTGRES_CONNECTION, user: writer, schema: `${schema}_absent`, migrations: 'require-current' });
    await expect(open).rejects.toThrow(/schema has not been created/);
  });

  it('lets the writer append', async () => {
    const log = new AuditLog(writerStore.db, { key, digestSalt: 'grants-salt' });
    const stored = await log.append([event, { ...event, content: { name: 'Test' } }]);
    expect(stored.map((entry) => entry.sequence)).toEqual([1, 2]);
  });

  it.each([
    ['update events', "UPDATE audit_events SET reference = 'x'"],
    ['delete events', 'DELETE FROM audit_events'],
    ['truncate events', 'TRUNCATE audit_events'],
    ['switch off triggers', 'ALTER TABLE audit_events DISABLE TRIGGER USER'],
    ['drop the table', 'DROP TABLE audit_events'],
    ['delete checkpoints', 'DELETE FROM audit_checkpoints'],
  ])('stops the writer from %s', async (_label, sql) => {
    await expect(writerStore.db.execute(sql)).rejects.toThrow(/permission denied|must be owner|append-only/);
  });

  it('lets the auditor verify but not append', async () => {
    const log = new AuditLog(auditorStore.db, { key });
    const report = await log.verify({ key, checkContent: false });
    expect(report.problems).toEqual([]);
    expect(report.eventsChecked).toBe(2);
    // The auditor cannot read content, so content presence cannot be checked under this role.
    await expect(auditorStore.db.query('SELECT * FROM audit_content')).rejects.toThrow(/permission denied/);
    await expect(new AuditLog(auditorStore.db, { key }).append([event])).rejects.toThrow(/permission denied/);
  });
});

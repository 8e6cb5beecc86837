/**
 * The PostgreSQL grants that docs/references.md lists for a role that allocates references. Creates
 * a uniquely named role and schema on 127.0.0.1 and drops them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openStore, type ContactHubStore } from '../../core/store';
import { POSTGRES_CONNECTION } from './storeTargets';

describe('reference allocation PostgreSQL grants', () => {
  const suffix = randomBytes(4).toString('hex');
  const schema = `reference_grants_${suffix}`;
  const allocator = `reference_allocator_${suffix}`;
  const render = (sequence: number) => `G/${sequence}`;
  let admin: Client;
  let owner: ContactHubStore;

  beforeAll(async () => {
    owner = await openStore({ type: 'postgres', ...POSTGRES_CONNECTION, schema });
    admin = new Client(POSTGRES_CONNECTION);
    await admin.connect();
    await admin.query(`
      CREATE ROLE ${allocator} LOGIN;
      REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM PUBLIC;
      GRANT USAGE ON SCHEMA ${schema} TO ${allocator};
      GRANT SELECT ON ${schema}.schema_migrations TO ${allocator};
      GRANT SELECT, INSERT, UPDATE ON ${schema}.contact_hub_reference_counters TO ${allocator};
      GRANT SELECT, INSERT ON ${schema}.contact_hub_references TO ${allocator};
    `);
  });

  afterAll(async () => {
    await owner?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`DROP ROLE IF EXISTS ${allocator}`);
    await admin.end();
  });

  async function openAsAllocator(): Promise<ContactHubStore> {
    return openStore({ type: 'postgres', ...POSTGRES_CONNECTION, user: allocator, schema, migrations: 'require-current' });
  }

  it('allocates with the documented grants', async () => {
    const store = await openAsAllocator();
    try {
      const first = await store.references.allocate({ scope: 'grants', periodKey: 'all', submissionId: 'g-1', render });
      const repeat = await store.references.allocate({ scope: 'grants', periodKey: 'all', submissionId: 'g-1', render });
      // The second new one takes the single-statement path, which needs the same grants.
      const second = await store.references.allocate({ scope: 'grants', periodKey: 'all', submissionId: 'g-1b', render });
      expect(first).toMatchObject({ reference: 'G/1', created: true });
      expect(repeat).toMatchObject({ reference: 'G/1', created: false });
      expect(second).toMatchObject({ reference: 'G/2', created: true });
    } finally {
      await store.close();
    }
  });

  it('fails without UPDATE on the counters', async () => {
    await admin.query(`REVOKE UPDATE ON ${schema}.contact_hub_reference_counters FROM ${allocator}`);
    const store = await openAsAllocator();
    try {
      await expect(store.references.allocate({ scope: 'grants', periodKey: 'all', submissionId: 'g-2', render })).rejects.toThrow(
        /permission denied for table contact_hub_reference_counters/,
      );
    } finally {
      await store.close();
    }
    expect(await owner.references.findBySubmission('g-2', 'grants')).toBeNull();
  });
});

/**
 * The PostgreSQL allocation's single-statement path (SqlReferenceRepository.allocateInOneStatement):
 * when it is taken, and that every case it declines ends with the result the general path returns.
 * Two stores opened on one schema stand for two n8n processes, each with its own counter cache.
 */
import { Client } from 'pg';
import { openStore, type ContactHubStore } from '../../core/store';
import { PostgresDatabase } from '../../core/store/postgres';
import { POSTGRES_CONNECTION, postgresTarget, type StoreTarget } from './storeTargets';

const ONE_STATEMENT = 'contact_hub_allocate_one_period';
const FUNCTION = 'contact_hub_allocate_references';

describe('PostgreSQL reference allocation in one statement', () => {
  let target: StoreTarget;
  let first: ContactHubStore;
  let second: ContactHubStore;
  let scopeNumber = 0;

  beforeAll(async () => {
    target = postgresTarget();
    first = await openStore(target.config);
    second = await openStore(target.config);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await target.drop();
  });

  /** Records the names of the prepared statements a store sends, with ` failed` after those the server rejected. */
  function statementsOf(store: ContactHubStore): string[] {
    const names: string[] = [];
    const db = store.db as PostgresDatabase;
    const original = db.queryPrepared.bind(db);
    jest.spyOn(db, 'queryPrepared').mockImplementation(async (name, sql, params) => {
      try {
        const rows = await original(name, sql, params);
        names.push(name);
        return rows;
      } catch (error) {
        names.push(`${name} failed`);
        throw error;
      }
    });
    return names;
  }

  /** References carry the period only outside 2026, as a pattern's date part would. */
  function allocator(store: ContactHubStore, scope: string, render?: (sequence: number) => string) {
    return (submissionId: string, periodKey = '2026') =>
      store.references.allocate({
        scope,
        periodKey,
        submissionId,
        render: render ?? ((sequence) => (periodKey === '2026' ? `FP/${sequence}` : `FP/${sequence}/${periodKey}`)),
      });
  }

  async function counterOf(scope: string, periodKey = '2026'): Promise<number | null> {
    const rows = await first.db.query<{ last_sequence: string }>(
      'SELECT last_sequence FROM contact_hub_reference_counters WHERE scope = $1 AND period_key = $2',
      [scope, periodKey],
    );
    return rows[0] ? Number(rows[0].last_sequence) : null;
  }

  beforeEach(() => {
    scopeNumber += 1;
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('uses one statement once cached', async () => {
    const scope = `fast-${scopeNumber}`;
    const names = statementsOf(first);
    const allocate = allocator(first, scope);

    await expect(allocate('a-1')).resolves.toMatchObject({ reference: 'FP/1', created: true });
    expect(names).not.toContain(ONE_STATEMENT);
    names.length = 0;

    await expect(allocate('a-2')).resolves.toMatchObject({ reference: 'FP/2', created: true, record: { scope, periodKey: '2026', submissionId: 'a-2' } });
    await expect(allocate('a-3')).resolves.toMatchObject({ reference: 'FP/3', created: true });
    expect(names).toEqual([ONE_STATEMENT, ONE_STATEMENT]);
    expect(await counterOf(scope)).toBe(3);
  });

  it('batches concurrent calls in one statement', async () => {
    const scope = `batch-${scopeNumber}`;
    const allocate = allocator(first, scope);
    await allocate('b-0');
    const names = statementsOf(first);

    const results = await Promise.all(Array.from({ length: 5 }, (_, index) => allocate(`b-${index + 1}`)));
    expect(results.map((result) => result.reference)).toEqual(['FP/2', 'FP/3', 'FP/4', 'FP/5', 'FP/6']);
    expect(names).toEqual([ONE_STATEMENT]);
    expect(await counterOf(scope)).toBe(6);
  });

  it('retries from a counter moved elsewhere', async () => {
    const scope = `stale-${scopeNumber}`;
    const fromFirst = allocator(first, scope);
    const fromSecond = allocator(second, scope);
    await fromFirst('s-1');
    await fromFirst('s-2');
    // The second store moves the counter on, while the first store's cache still contains 2.
    await expect(fromSecond('s-3')).resolves.toMatchObject({ reference: 'FP/3' });
    await expect(fromSecond('s-4')).resolves.toMatchObject({ reference: 'FP/4' });

    const names = statementsOf(first);
    await expect(fromFirst('s-5')).resolves.toMatchObject({ reference: 'FP/5', created: true });
    // The first statement wrote nothing and reported the counter at 4; the second allocated from it.
    expect(names).toEqual([ONE_STATEMENT, ONE_STATEMENT]);
    expect(await counterOf(scope)).toBe(5);

    const sequences = await first.db.query<{ sequence: string }>('SELECT sequence FROM contact_hub_references WHERE scope = $1 ORDER BY sequence', [scope]);
    expect(sequences.map((row) => Number(row.sequence))).toEqual([1, 2, 3, 4, 5]);
  });

  it('re-delivery keeps the counter', async () => {
    const scope = `again-${scopeNumber}`;
    const allocate = allocator(first, scope);
    await allocate('r-1');
    await allocate('r-2');

    const names = statementsOf(first);
    await expect(allocate('r-1')).resolves.toMatchObject({ reference: 'FP/1', created: false });
    // Declined without an error, so a re-delivery puts no unique-key error in the server's log.
    expect(names[0]).toBe(ONE_STATEMENT);
    expect(names.slice(1)).toContain(FUNCTION);
    expect(await counterOf(scope)).toBe(2);
    await expect(allocate('r-3')).resolves.toMatchObject({ reference: 'FP/3', created: true });
  });

  it('returns a reference another process stored', async () => {
    const scope = `raced-${scopeNumber}`;
    await allocator(first, scope)('x-1');
    await allocator(first, scope)('x-2');
    await expect(allocator(second, scope)('x-shared')).resolves.toMatchObject({ reference: 'FP/3', created: true });

    await expect(allocator(first, scope)('x-shared')).resolves.toMatchObject({ reference: 'FP/3', created: false });
    expect(await counterOf(scope)).toBe(3);
  });

  it('repeating pattern fails without gap', async () => {
    const scope = `repeat-${scopeNumber}`;
    let fixed = true;
    const render = (sequence: number) => (fixed ? 'FP/SAME' : `FP/${sequence}`);
    const allocate = allocator(first, scope, render);
    await allocate('p-1');

    const names = statementsOf(first);
    await expect(allocate('p-2')).rejects.toThrow(/Reference FP\/SAME already exists in scope .* add them to the pattern/);
    expect(names[0]).toBe(`${ONE_STATEMENT} failed`);
    expect(await counterOf(scope)).toBe(1);
    fixed = false;
    await expect(allocate('p-3')).resolves.toMatchObject({ reference: 'FP/2', created: true });
  });

  it('ignores a cache ahead of the database', async () => {
    const scope = `missing-${scopeNumber}`;
    const allocate = allocator(first, scope);
    await allocate('m-1', '2025');
    // A cache entry for a period with no counter row, as if the cache came from another database.
    (first.references as unknown as { counterCache: Map<string, number> }).counterCache.set(`${scope}\u00002026`, 7);

    await expect(allocate('m-2', '2026')).resolves.toMatchObject({ reference: 'FP/1', created: true });
    expect(await counterOf(scope, '2026')).toBe(1);

    // And one ahead of the stored counter, which would leave a gap if the statement trusted it.
    (first.references as unknown as { counterCache: Map<string, number> }).counterCache.set(`${scope}\u00002025`, 7);
    await expect(allocate('m-3', '2025')).resolves.toMatchObject({ reference: 'FP/2/2025', created: true });
    expect(await counterOf(scope, '2025')).toBe(2);
  });

  it('leaves two-period batches to the function', async () => {
    const scope = `periods-${scopeNumber}`;
    const allocate = allocator(first, scope);
    await allocate('q-1', '2025');
    await allocate('q-2', '2026');
    const names = statementsOf(first);

    const [late, early] = await Promise.all([allocate('q-3', '2026'), allocate('q-4', '2025')]);
    expect(late).toMatchObject({ reference: 'FP/2', created: true });
    expect(early).toMatchObject({ reference: 'FP/2/2025', created: true });
    expect(names).not.toContain(ONE_STATEMENT);
  });

  it('function looks up submissions by key', async () => {
    const scope = `lookup-${scopeNumber}`;
    const allocate = allocator(first, scope);
    await Promise.all(Array.from({ length: 400 }, (_, index) => allocate(`k-${index}`)));
    const schema = (target.config as { schema: string }).schema;

    // pg_stat_xact_user_tables counts the tuples this transaction read, at once and per session.
    const client = new Client(POSTGRES_CONNECTION);
    await client.connect();
    try {
      await client.query(`SET search_path = "${schema}"`);
      await client.query('BEGIN');
      // A generic plan without table statistics is the case where a look-up by `= ANY (…)` read every reference in the scope.
      await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
      for (let call = 0; call < 8; call++) {
        const { rows } = await client.query(
          'SELECT * FROM contact_hub_allocate_references($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [`contact-hub-reference:${scope}`, scope, ['k-7'], ['2026'], [null], [null], [], [], [], []],
        );
        expect(rows.find((row) => row.result_kind === 'existing')).toMatchObject({ result_reference: expect.stringMatching(/^FP\/\d+$/) });
      }
      const { rows } = await client.query<{ read: string }>(
        "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS read FROM pg_stat_xact_user_tables WHERE schemaname = $1 AND relname = 'contact_hub_references'",
        [schema],
      );
      expect(Number(rows[0].read)).toBeLessThan(8 * 4);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });
});

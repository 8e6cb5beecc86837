/**
 * One contract for both store implementations: every test runs unchanged against SQLite (temporary
 * file) and PostgreSQL (the server on 127.0.0.1, a unique schema per run).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  StoreUnavailableError,
  UniqueViolationError,
  migrations,
  openStore,
  runMigrations,
  type ContactHubStore,
  type StoreConfig,
} from '../../core/store';
import { TARGET_FACTORIES, type StoreTarget } from './storeTargets';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(TARGET_FACTORIES)('store contract on %s', (_name, makeTarget) => {
  let target: StoreTarget;
  let store: ContactHubStore;

  beforeAll(async () => {
    target = makeTarget();
    store = await openStore(target.config);
  });

  afterAll(async () => {
    await store?.close();
    await target?.drop();
  });

  describe('migrations', () => {
    it('records every version once', async () => {
      const rows = await store.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => Number(row.version))).toEqual(migrations.map((migration) => migration.version));
    });

    it('applies nothing on a second run', async () => {
      const result = await runMigrations(store.db, migrations, {
        schema: target.config.type === 'postgres' ? target.config.schema : undefined,
      });
      expect(result.applied).toEqual([]);
      expect(result.currentVersion).toBe(Math.max(...migrations.map((migration) => migration.version)));
    });

    it('migrates once when opened concurrently', async () => {
      const fresh = makeTarget();
      try {
        const stores = await Promise.all([1, 2, 3, 4].map(() => openStore(fresh.config)));
        const rows = await stores[0].db.query<{ version: number }>('SELECT version FROM schema_migrations');
        expect(rows).toHaveLength(migrations.length);
        await Promise.all(stores.map((opened) => opened.close()));
      } finally {
        await fresh.drop();
      }
    });
  });

  describe('sql abstraction', () => {
    it('rolls back a failed transaction', async () => {
      await store.db.execute('CREATE TABLE IF NOT EXISTS contract_scratch (id integer PRIMARY KEY, note text)');
      await expect(
        store.db.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract_scratch (id, note) VALUES ($1, $2)', [1, 'rolled back']);
          throw new Error('abort on purpose');
        }),
      ).rejects.toThrow('abort on purpose');
      const rows = await store.db.query('SELECT id FROM contract_scratch WHERE id = $1', [1]);
      expect(rows).toEqual([]);
    });

    it('reports unique violations as UniqueViolationError', async () => {
      await store.db.execute('INSERT INTO contract_scratch (id, note) VALUES ($1, $2)', [2, 'first']);
      await expect(store.db.execute('INSERT INTO contract_scratch (id, note) VALUES ($1, $2)', [2, 'again'])).rejects.toBeInstanceOf(
        UniqueViolationError,
      );
    });

    it('serialises transactions sharing a lock key', async () => {
      await store.db.execute('CREATE TABLE IF NOT EXISTS contract_counter (id integer PRIMARY KEY, value integer NOT NULL)');
      await store.db.execute('INSERT INTO contract_counter (id, value) VALUES (1, 0)');
      // A read-then-write without the lock would lose updates on PostgreSQL under READ COMMITTED.
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.db.transaction(
            async (tx) => {
              const [row] = await tx.query<{ value: number }>('SELECT value FROM contract_counter WHERE id = 1');
              await tx.execute('UPDATE contract_counter SET value = $1 WHERE id = 1', [Number(row.value) + 1]);
            },
            { lockKey: 'contract-counter' },
          ),
        ),
      );
      const [row] = await store.db.query<{ value: number }>('SELECT value FROM contract_counter WHERE id = 1');
      expect(Number(row.value)).toBe(20);
    });
  });

  describe('references', () => {
    const render = (sequence: number) => `T/${String(sequence).padStart(5, '0')}`;

    it('allocates consecutive sequences', async () => {
      const first = await store.references.allocate({ scope: 'consecutive', periodKey: '2026', submissionId: 's-1', render });
      const second = await store.references.allocate({ scope: 'consecutive', periodKey: '2026', submissionId: 's-2', render });
      expect(first).toMatchObject({ reference: 'T/00001', sequence: 1, created: true });
      expect(second).toMatchObject({ reference: 'T/00002', sequence: 2, created: true });
    });

    it('returns the same reference again', async () => {
      const first = await store.references.allocate({ scope: 'again', periodKey: '2026', submissionId: 's-1', render });
      const repeat = await store.references.allocate({ scope: 'again', periodKey: '2026', submissionId: 's-1', render });
      expect(repeat.reference).toBe(first.reference);
      expect(repeat.created).toBe(false);
      const next = await store.references.allocate({ scope: 'again', periodKey: '2026', submissionId: 's-2', render });
      expect(next.sequence).toBe(2);
    });

    it('counts each period separately', async () => {
      const april = await store.references.allocate({
        scope: 'periods',
        periodKey: '2026-04',
        submissionId: 'p-1',
        render: (n) => `04/${n}`,
      });
      const may = await store.references.allocate({ scope: 'periods', periodKey: '2026-05', submissionId: 'p-2', render: (n) => `05/${n}` });
      expect(april.sequence).toBe(1);
      expect(may.sequence).toBe(1);
    });

    it('leaves no gap after a failed render', async () => {
      await store.references.allocate({ scope: 'gap', periodKey: 'all', submissionId: 'g-1', render });
      await expect(
        store.references.allocate({
          scope: 'gap',
          periodKey: 'all',
          submissionId: 'g-2',
          render: () => {
            throw new Error('render failed on purpose');
          },
        }),
      ).rejects.toThrow('render failed on purpose');
      const next = await store.references.allocate({ scope: 'gap', periodKey: 'all', submissionId: 'g-3', render });
      expect(next.sequence).toBe(2);
      expect(await store.references.findBySubmission('g-2', 'gap')).toBeNull();
    });

    it('rejects a repeated reference text', async () => {
      await store.references.allocate({ scope: 'repeat-text', periodKey: 'day-1', submissionId: 'r-1', render: () => 'SAME' });
      await expect(
        store.references.allocate({ scope: 'repeat-text', periodKey: 'day-2', submissionId: 'r-2', render: () => 'SAME' }),
      ).rejects.toBeInstanceOf(UniqueViolationError);
      // The failed allocation rolled back its counter too.
      const next = await store.references.allocate({ scope: 'repeat-text', periodKey: 'day-2', submissionId: 'r-3', render });
      expect(next.sequence).toBe(1);
    });

    it('finds by submission and by reference', async () => {
      const allocated = await store.references.allocate({ scope: 'find', periodKey: 'all', submissionId: 'f-1', render });
      expect(await store.references.findBySubmission('f-1', 'find')).toMatchObject({ reference: allocated.reference, sequence: 1 });
      expect(await store.references.findBySubmission('f-1')).toMatchObject({ scope: 'find' });
      expect(await store.references.findByReference('find', allocated.reference)).toMatchObject({ submissionId: 'f-1' });
      expect(await store.references.findBySubmission('f-1', 'other-scope')).toBeNull();
      expect(await store.references.findBySubmission('missing')).toBeNull();
    });

    it('stays unique under parallel allocation', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          store.references.allocate({ scope: 'parallel', periodKey: 'all', submissionId: `par-${index % 30}`, render }),
        ),
      );
      const bySubmission = new Map<string, string>();
      for (const [index, result] of results.entries()) {
        const id = `par-${index % 30}`;
        if (bySubmission.has(id)) expect(result.reference).toBe(bySubmission.get(id));
        bySubmission.set(id, result.reference);
      }
      const sequences = [...new Set(results.map((result) => result.sequence))].sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    });

    it('confines failures within a batch', async () => {
      const calls = Array.from({ length: 12 }, (_, index) =>
        store.references.allocate({
          scope: 'batch-failures',
          periodKey: index % 2 === 0 ? 'even' : 'odd',
          submissionId: `bf-${index}`,
          render: (sequence) => {
            if (index === 3) throw new Error('render failed on purpose');
            if (index === 6) return 'even/1';
            return `${index % 2 === 0 ? 'even' : 'odd'}/${sequence}`;
          },
        }),
      );
      const settled = await Promise.allSettled(calls);

      expect(settled[3]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: 'render failed on purpose' }) });
      expect(settled[6]).toMatchObject({ status: 'rejected', reason: expect.any(UniqueViolationError) });
      const references = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.reference] : []));
      expect(references.sort()).toEqual(['even/1', 'even/2', 'even/3', 'even/4', 'even/5', 'odd/1', 'odd/2', 'odd/3', 'odd/4', 'odd/5'].sort());
    });

    it('returns one reference for repeats in a batch', async () => {
      const results = await Promise.all(
        [1, 2, 3].map(() => store.references.allocate({ scope: 'batch-repeat', periodKey: 'all', submissionId: 'same', render })),
      );
      expect(results.map((result) => result.reference)).toEqual(['T/00001', 'T/00001', 'T/00001']);
      expect(results.map((result) => result.created)).toEqual([true, false, false]);
    });

    it('rejects an empty submission id', async () => {
      await expect(store.references.allocate({ scope: 'x', periodKey: 'all', submissionId: '', render })).rejects.toThrow(
        /submissionId/,
      );
    });

    it('returns an existing reference despite a failing render', async () => {
      const first = await store.references.allocate({ scope: 'existing-render', periodKey: 'all', submissionId: 'er-1', render });
      const failingRender = () => {
        throw new Error('render failed on purpose');
      };
      const repeat = await store.references.allocate({ scope: 'existing-render', periodKey: 'all', submissionId: 'er-1', render: failingRender });
      expect(repeat).toMatchObject({ reference: first.reference, created: false });
    });

    it('keeps special characters in texts', async () => {
      const submissionId = 'id with "quotes", {braces}, \\ and NULL';
      const reference = 'ref "quoted", {braced} \\ NULL';
      const allocated = await store.references.allocate({ scope: 'special "scope", {x}', periodKey: 'all', submissionId, render: () => reference });
      expect(allocated).toMatchObject({ reference, created: true, record: { submissionId, scope: 'special "scope", {x}' } });
      expect(await store.references.findByReference('special "scope", {x}', reference)).toMatchObject({ submissionId });
    });

    describe('with a second store on the same database', () => {
      // A second store has its own queue and, on PostgreSQL, its own cached counters, as another process would.
      let other: ContactHubStore;

      beforeAll(async () => {
        other = await openStore(target.config);
      });

      afterAll(async () => {
        await other?.close();
      });

      it("continues from the other store's numbers", async () => {
        const stores = [store, other, store, store, other, other, store];
        const results = [];
        for (const [index, each] of stores.entries()) {
          results.push(await each.references.allocate({ scope: 'two-stores', periodKey: 'all', submissionId: `ts-${index}`, render }));
        }
        expect(results.map((result) => result.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(results.every((result) => result.created)).toBe(true);
      });

      it('stays gapless when both allocate at once', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, index) =>
            (index % 3 === 0 ? other : store).references.allocate({ scope: 'two-stores-parallel', periodKey: 'all', submissionId: `tp-${index}`, render }),
          ),
        );
        const sequences = results.map((result) => result.sequence).sort((a, b) => a - b);
        expect(sequences).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
      });

      it("gives a racing delivery the winner's reference", async () => {
        const [first, second] = await Promise.all([
          store.references.allocate({ scope: 'race', periodKey: 'all', submissionId: 'race-1', render }),
          other.references.allocate({ scope: 'race', periodKey: 'all', submissionId: 'race-1', render }),
        ]);
        expect(second.reference).toBe(first.reference);
        expect([first.created, second.created].sort()).toEqual([false, true]);
      });

      it("gives a racing delivery in another period the winner's reference", async () => {
        // Deliveries either side of midnight count in different periods but must still share one reference.
        const [first, second] = await Promise.all([
          store.references.allocate({ scope: 'race-periods', periodKey: '2026-01-01', submissionId: 'race-2', render }),
          other.references.allocate({ scope: 'race-periods', periodKey: '2026-01-02', submissionId: 'race-2', render }),
        ]);
        expect(second.reference).toBe(first.reference);
        expect([first.created, second.created].sort()).toEqual([false, true]);
      });
    });
  });

  describe('intake ledger', () => {
    const documentA = '{"data":{"id":"A"}}';
    const documentB = '{"data":{"id":"B"}}';

    it('records new, duplicate and conflict', async () => {
      const input = { submissionId: 'led-1', bodySha256: sha256(documentA), source: 'standard-api', formType: 'OCR', document: documentA };
      const first = await store.intake.recordReceived(input);
      expect(first.outcome).toBe('new');
      expect(first.entry).toMatchObject({ state: 'received', document: documentA, deliveryCount: 1, formType: 'OCR' });

      const duplicate = await store.intake.recordReceived(input);
      expect(duplicate.outcome).toBe('duplicate');
      expect(duplicate.entry.deliveryCount).toBe(2);

      const conflict = await store.intake.recordReceived({ ...input, bodySha256: sha256(documentB), document: documentB });
      expect(conflict.outcome).toBe('conflict');
      expect(conflict.entry.document).toBe(documentA);
      expect(conflict.entry.conflictCount).toBe(1);
      expect(conflict.entry.conflictHashes).toEqual([sha256(documentB)]);
    });

    it('records one new entry under concurrent deliveries', async () => {
      const input = { submissionId: 'led-race', bodySha256: sha256(documentA), source: 'standard-api', document: documentA };
      const results = await Promise.all(Array.from({ length: 6 }, () => store.intake.recordReceived(input)));
      const outcomes = results.map((result) => result.outcome).sort();
      expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'new']);
      expect((await store.intake.get('led-race'))?.deliveryCount).toBe(6);
    });

    it('keeps the received time as UTC', async () => {
      const { entry } = await store.intake.recordReceived({
        submissionId: 'led-time',
        bodySha256: sha256('t'),
        source: 'email',
        document: '{}',
        receivedAt: '2026-04-01T00:30:00+01:00',
      });
      expect(entry.receivedAt).toBe('2026-03-31T23:30:00.000Z');
    });

    it('stores the response given to iHub', async () => {
      await store.intake.recordReceived({ submissionId: 'led-resp', bodySha256: sha256('r'), source: 'standard-api', document: '{}' });
      const entry = await store.intake.setResponse('led-resp', { status: 201, body: { data: { id: 'led-resp' } } });
      expect(entry?.response).toEqual({ status: 201, body: { data: { id: 'led-resp' } } });
      expect(await store.intake.setResponse('led-missing', { status: 201 })).toBeNull();
    });

    it('returns null for an unknown submission', async () => {
      expect(await store.intake.get('led-none')).toBeNull();
      expect(await store.intake.markState('led-none', 'completed')).toBeNull();
    });

    it('moves states forward only', async () => {
      await store.intake.recordReceived({ submissionId: 'led-state', bodySha256: sha256('s'), source: 'standard-api', document: '{}' });
      const allocated = await store.intake.markState('led-state', 'reference-allocated', { reference: '42/00001/26' });
      expect(allocated).toMatchObject({ state: 'reference-allocated', reference: '42/00001/26' });

      const chs = await store.intake.markState('led-state', 'written-to-chs', { chsIncidentId: 'CHS-1' });
      expect(chs).toMatchObject({ state: 'written-to-chs', chsIncidentId: 'CHS-1', reference: '42/00001/26' });

      const rerun = await store.intake.markState('led-state', 'reference-allocated', { reference: '42/00001/26' });
      expect(rerun?.state).toBe('written-to-chs');

      const forced = await store.intake.markState('led-state', 'received', { force: true });
      expect(forced?.state).toBe('received');
    });

    it('needs a reason for manual handling', async () => {
      await store.intake.recordReceived({ submissionId: 'led-manual', bodySha256: sha256('m'), source: 'standard-api', document: '{}' });
      await expect(store.intake.markState('led-manual', 'manual-handling')).rejects.toThrow(/manualReason/);
      const manual = await store.intake.markState('led-manual', 'manual-handling', { manualReason: 'CHS rejected the address', lastError: '422' });
      expect(manual).toMatchObject({ state: 'manual-handling', manualReason: 'CHS rejected the address', lastError: '422' });
      const redriven = await store.intake.markState('led-manual', 'written-to-chs', { chsIncidentId: 'CHS-9' });
      expect(redriven?.state).toBe('written-to-chs');
      await store.intake.markState('led-manual', 'completed');
      const afterCompleted = await store.intake.markState('led-manual', 'manual-handling', { manualReason: 'late' });
      expect(afterCompleted?.state).toBe('completed');
    });

    it('rejects an unknown state', async () => {
      await expect(store.intake.markState('led-state', 'lost' as never)).rejects.toThrow(/invalid/);
    });

    it('lists and counts unfinished entries', async () => {
      await store.intake.recordReceived({ submissionId: 'led-list-1', bodySha256: sha256('l1'), source: 'standard-api', document: '{}' });
      await store.intake.recordReceived({ submissionId: 'led-list-2', bodySha256: sha256('l2'), source: 'standard-api', document: '{}' });
      await store.intake.markState('led-list-2', 'completed');

      const recent = await store.intake.listUnfinished({ olderThanSeconds: 3600, limit: 100 });
      expect(recent.map((entry) => entry.submissionId)).not.toContain('led-list-1');

      const all = await store.intake.listUnfinished({ olderThanSeconds: 0, limit: 100 });
      const ids = all.map((entry) => entry.submissionId);
      expect(ids).toContain('led-list-1');
      expect(ids).not.toContain('led-list-2');
      expect(ids).not.toContain('led-manual');

      const counts = await store.intake.countByState();
      expect(counts.completed).toBeGreaterThanOrEqual(2);
      expect(counts['manual-handling']).toBe(0);
      expect(Object.keys(counts).sort()).toEqual(
        ['completed', 'manual-handling', 'received', 'reference-allocated', 'written-to-athena', 'written-to-chs'].sort(),
      );
    });
  });

  describe('claims', () => {
    let claimStore: ContactHubStore;
    let claimTarget: StoreTarget;

    beforeAll(async () => {
      // A store of its own, so entries from other tests do not join the claims.
      claimTarget = makeTarget();
      claimStore = await openStore(claimTarget.config);
      for (let index = 0; index < 12; index++) {
        await claimStore.intake.recordReceived({
          submissionId: `claim-${String(index).padStart(2, '0')}`,
          bodySha256: sha256(`c${index}`),
          source: 'standard-api',
          document: '{}',
          receivedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
        });
      }
    });

    afterAll(async () => {
      await claimStore?.close();
      await claimTarget?.drop();
    });

    it('never gives two claimers one entry', async () => {
      const claimants = Array.from({ length: 4 }, (_, index) =>
        claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: `worker-${index}`, leaseSeconds: 60, limit: 2 }),
      );
      const claimed = (await Promise.all(claimants)).flat();
      const ids = claimed.map((entry) => entry.submissionId);
      expect(ids).toHaveLength(8);
      expect(new Set(ids).size).toBe(8);
      for (const entry of claimed) {
        expect(entry.claimOwner).toMatch(/^worker-/);
        expect(entry.redriveCount).toBe(1);
      }
      // Oldest first: the first eight by received time were taken.
      expect([...ids].sort()).toEqual(Array.from({ length: 8 }, (_, index) => `claim-${String(index).padStart(2, '0')}`));

      const rest = await claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: 'worker-late', leaseSeconds: 60, limit: 10 });
      expect(rest.map((entry) => entry.submissionId)).toEqual(['claim-08', 'claim-09', 'claim-10', 'claim-11']);
    });

    it('releases only the owner claim', async () => {
      expect(await claimStore.intake.releaseClaim('claim-11', 'someone-else')).toBe(false);
      expect(await claimStore.intake.releaseClaim('claim-11', 'worker-late')).toBe(true);
      const again = await claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: 'worker-next', leaseSeconds: 60, limit: 10 });
      expect(again.map((entry) => entry.submissionId)).toEqual(['claim-11']);
      expect(again[0].redriveCount).toBe(2);
    });

    it('takes over an expired claim', async () => {
      await claimStore.intake.recordReceived({ submissionId: 'claim-lease', bodySha256: sha256('lease'), source: 'standard-api', document: '{}' });
      const first = await claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: 'short-lease', leaseSeconds: 0.3, limit: 10 });
      expect(first.map((entry) => entry.submissionId)).toEqual(['claim-lease']);

      const during = await claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: 'taker', leaseSeconds: 60, limit: 10 });
      expect(during).toEqual([]);

      await sleep(600);
      const after = await claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: 'taker', leaseSeconds: 60, limit: 10 });
      expect(after.map((entry) => entry.submissionId)).toEqual(['claim-lease']);
      expect(after[0]).toMatchObject({ claimOwner: 'taker', redriveCount: 2 });
    });

    it('skips finished entries', async () => {
      await claimStore.intake.markState('claim-lease', 'completed');
      await claimStore.intake.releaseClaim('claim-lease', 'taker');
      const none = await claimStore.intake.claimUnfinished({ olderThanSeconds: 0, owner: 'any', leaseSeconds: 60, limit: 10 });
      expect(none.map((entry) => entry.submissionId)).not.toContain('claim-lease');
    });
  });
});

describe('store unreachable', () => {
  it('reports a closed PostgreSQL port', async () => {
    const config: StoreConfig = { type: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', connectTimeoutMs: 2000 };
    await expect(openStore(config)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(openStore(config)).rejects.toThrow(/127\.0\.0\.1:1/);
  });

  it('reports an unwritable SQLite path', async () => {
    // A regular file where the folder should be makes the path impossible to create.
    const folder = mkdtempSync(join(tmpdir(), 'contact-hub-unwritable-'));
    writeFileSync(join(folder, 'not-a-folder'), '');
    try {
      const opening = openStore({ type: 'sqlite', path: join(folder, 'not-a-folder', 'store.sqlite') });
      await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(opening).rejects.toThrow(/Could not open the SQLite store/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('rejects an invalid schema name', async () => {
    await expect(
      openStore({ type: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schema: 'bad;drop' }),
    ).rejects.toThrow(/schema "bad;drop" is invalid/);
  });
});

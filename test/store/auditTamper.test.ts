/**
 * Tampering with the stored audit log the way an insider with database administrator rights
 * could: first switch off the append-only triggers, then edit, delete, reorder, insert or
 * rebuild rows. Verify must name the first broken link and the checkpoint it breaks.
 * Runs on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { openStore, type ContactHubStore } from '../../core/store';
import {
  AUDIT_TRIGGERS,
  AuditChainError,
  AuditLog,
  canonicalJson,
  createAuditKey,
  hashEvent,
  signHead,
  type AuditEvent,
  type AuditEventInput,
  type UnhashedAuditEvent,
} from '../../core/audit';
import { insertEvent, upsertHead } from '../../core/audit/rows';
import { TARGET_FACTORIES, type StoreTarget } from './storeTargets';

const key = createAuditKey({ keyId: 'audit-test-1', algorithm: 'hmac-sha256', secret: 'test-secret-for-audit-chain-0123456789' });
const digestSalt = 'test-digest-salt';
const robot = { type: 'system' as const, id: 'chsWriter' };

function sampleEvents(count: number): AuditEventInput[] {
  return Array.from({ length: count }, (_unused, index) => ({
    step: index % 2 === 0 ? ('received' as const) : ('written-to-chs' as const),
    actor: robot,
    submissionId: `SUB-${Math.floor(index / 2)}`,
    reference: `42/${1000 + Math.floor(index / 2)}/26`,
    targetSystem: 'CHS',
    targetRecordId: `INC-${index}`,
    outcome: 'success' as const,
    digestValues: { phone: `07700 900${String(index).padStart(3, '0')}` },
    content: { givenName: `Testperson${index}` },
  }));
}

describe.each(TARGET_FACTORIES)('audit log tampering on %s', (dialect, makeTarget) => {
  let target: StoreTarget;
  let store: ContactHubStore;
  let log: AuditLog;
  let events: AuditEvent[];

  beforeEach(async () => {
    target = makeTarget();
    store = await openStore(target.config);
    log = new AuditLog(store.db, { key, digestSalt, checkpointInterval: 5 });
    events = await log.append(sampleEvents(12));
  });

  afterEach(async () => {
    await store?.close();
    await target?.drop();
  });

  /** Switches off the append-only triggers, as a database administrator could. */
  async function disableTriggers(): Promise<void> {
    if (dialect === 'sqlite') {
      for (const trigger of AUDIT_TRIGGERS.sqlite) await store.db.execute(`DROP TRIGGER ${trigger}`);
    } else {
      for (const table of ['audit_events', 'audit_checkpoints', 'audit_content', 'audit_head']) {
        await store.db.execute(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      }
    }
  }

  async function verify() {
    return log.verify({ key, digestSalt });
  }

  /** Builds a well-formed, correctly hashed event the way a forger with the code but not the key would. */
  function forgeEvent(sequence: number, previousHash: string, overrides: Partial<UnhashedAuditEvent> = {}): AuditEvent {
    const body: UnhashedAuditEvent = {
      version: 1,
      sequence,
      eventId: randomUUID(),
      occurredAtUtc: '2026-06-12T14:09:33.880Z',
      occurredAtLondon: '2026-06-12T15:09:33.880+01:00',
      step: 'operator-decision',
      action: 'alteration',
      actor: { type: 'person', id: 'P999', name: 'Forged Operator', role: 'operator' },
      submissionId: 'SUB-FORGED',
      outcome: 'success',
      details: {},
      digests: {},
      previousHash,
      ...overrides,
    };
    return { ...body, hash: hashEvent(body) };
  }

  async function storeForged(event: AuditEvent): Promise<void> {
    await insertEvent(store.db, event, canonicalJson(event));
  }

  it('verifies an untouched chain', async () => {
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.eventsChecked).toBe(12);
    expect(report.checkpointsChecked).toBe(2);
    expect(report.lastHash).toBe(events[11].hash);
  });

  describe('append-only triggers', () => {
    it('reject updating an event', async () => {
      await expect(store.db.execute("UPDATE audit_events SET reference = 'X' WHERE sequence = 1")).rejects.toThrow(/append-only/);
    });

    it('reject deleting an event', async () => {
      await expect(store.db.execute('DELETE FROM audit_events WHERE sequence = 12')).rejects.toThrow(/append-only/);
    });

    it('reject deleting a checkpoint', async () => {
      await expect(store.db.execute('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    });

    it('reject rewriting content', async () => {
      await expect(store.db.execute("UPDATE audit_content SET content_json = '{}'")).rejects.toThrow(/append-only/);
    });

    it('reject deleting the signed head', async () => {
      await expect(store.db.execute('DELETE FROM audit_head')).rejects.toThrow(/append-only/);
    });

    if (dialect === 'postgres') {
      it('reject truncating the events table', async () => {
        await expect(store.db.execute('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      });
    }

    it('leave the chain intact after rejected changes', async () => {
      await store.db.execute('DELETE FROM audit_events WHERE sequence = 3').catch(() => undefined);
      expect((await verify()).ok).toBe(true);
    });
  });

  it('catches an edited field', async () => {
    await disableTriggers();
    const edited = { ...events[2], reference: '42/9999/26' };
    await store.db.execute('UPDATE audit_events SET event_json = $1 WHERE sequence = 3', [canonicalJson(edited)]);

    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstProblem?.sequence).toBe(3);
    expect(report.firstProblem?.kind).toBe('hash-mismatch');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'checkpoint', checkpointNumber: 1, upToSequence: 5 });
  });

  it('catches an edited field that was re-hashed', async () => {
    await disableTriggers();
    const { hash: _old, ...body } = { ...events[3], outcome: 'failure' as const };
    const rehashed = { ...body, hash: hashEvent(body) };
    await store.db.execute('UPDATE audit_events SET event_json = $1, hash = $2 WHERE sequence = 4', [canonicalJson(rehashed), rehashed.hash]);

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(5);
    expect(report.firstProblem?.kind).toBe('hash-mismatch');
    expect(report.firstProblem?.detail).toMatch(/does not link to the event before it/);
  });

  it('catches an edited index column', async () => {
    await disableTriggers();
    await store.db.execute("UPDATE audit_events SET submission_id = 'SUB-OTHER' WHERE sequence = 8");

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(8);
    expect(report.firstProblem?.kind).toBe('hash-mismatch');
    expect(report.firstProblem?.detail).toMatch(/Column submission_id/);
  });

  it('catches a deleted row', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence = 7');

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(7);
    expect(report.firstProblem?.kind).toBe('missing-event');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'checkpoint', checkpointNumber: 2, upToSequence: 10 });
  });

  it('catches reordered rows', async () => {
    await disableTriggers();
    await store.db.execute('UPDATE audit_events SET sequence = -3 WHERE sequence = 3');
    await store.db.execute('UPDATE audit_events SET sequence = 3 WHERE sequence = 4');
    await store.db.execute('UPDATE audit_events SET sequence = 4 WHERE sequence = -3');

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(3);
    expect(report.firstProblem?.kind).toBe('reordered');
  });

  it('catches an event inserted in the middle', async () => {
    await disableTriggers();
    await store.db.execute('UPDATE audit_events SET sequence = sequence + 1000 WHERE sequence >= 6');
    await store.db.execute('UPDATE audit_events SET sequence = sequence - 999 WHERE sequence >= 1006');
    await storeForged(forgeEvent(6, events[4].hash));

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(7);
    expect(report.firstProblem?.kind).toBe('inserted');
  });

  it('catches an event appended without the key', async () => {
    await disableTriggers();
    await storeForged(forgeEvent(13, events[11].hash));

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(13);
    expect(report.firstProblem?.kind).toBe('inserted');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'head', sequence: 12 });
  });

  it('catches a truncated tail', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence > 10');

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(11);
    expect(report.firstProblem?.kind).toBe('tail-truncated');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'head', sequence: 12 });
  });

  it('catches a tail truncated past a checkpoint', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence > 8');

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(9);
    expect(report.firstProblem?.kind).toBe('tail-truncated');
    expect(report.problems.map((problem) => problem.kind)).toContain('tail-truncated');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'checkpoint', checkpointNumber: 2, upToSequence: 10 });
  });

  it('catches a chain rebuilt after the last checkpoint', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence > 10');
    const eleven = forgeEvent(11, events[9].hash);
    await storeForged(eleven);
    await storeForged(forgeEvent(12, eleven.hash));

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(12);
    expect(report.firstProblem?.kind).toBe('checkpoint-head-mismatch');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'head', sequence: 12 });
  });

  it('catches a rebuilt chain with a head signed by another key', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence > 10');
    const eleven = forgeEvent(11, events[9].hash);
    await storeForged(eleven);
    const forgerKey = createAuditKey({ keyId: key.keyId, algorithm: 'hmac-sha256', secret: 'forger-secret-forger-secret-forger-secret' });
    await upsertHead(store.db, signHead({ sequence: 11, headHash: eleven.hash, checkpointCount: 2, signedAt: new Date().toISOString() }, forgerKey));

    const report = await verify();
    expect(report.firstProblem?.kind).toBe('checkpoint-signature-invalid');
    expect(report.firstProblem?.detail).toMatch(/signed head/);
  });

  it('catches a deleted signed head', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_head');

    const report = await verify();
    expect(report.firstProblem?.kind).toBe('head-missing');
  });

  it('catches a whole chain replaced from the start', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events');
    await store.db.execute('DELETE FROM audit_content');
    let previous = '0'.repeat(64);
    for (let sequence = 1; sequence <= 12; sequence++) {
      const forged = forgeEvent(sequence, previous);
      await storeForged(forged);
      previous = forged.hash;
    }

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(5);
    expect(report.firstProblem?.kind).toBe('checkpoint-head-mismatch');
    expect(report.firstProblem?.brokenCheckpoint).toEqual({ kind: 'checkpoint', checkpointNumber: 1, upToSequence: 5 });
  });

  it('catches a deleted checkpoint', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_checkpoints WHERE checkpoint_number = 2');

    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems.map((problem) => problem.kind)).toContain('checkpoint-missing');
  });

  it('catches a forged checkpoint signature', async () => {
    await disableTriggers();
    await store.db.execute("UPDATE audit_checkpoints SET event_count = 4 WHERE checkpoint_number = 1");

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(5);
    expect(report.firstProblem?.kind).toBe('checkpoint-signature-invalid');
  });

  it('catches altered content', async () => {
    await disableTriggers();
    await store.db.execute(`UPDATE audit_content SET content_json = '{"givenName":"Changed"}' WHERE event_id = $1`, [events[1].eventId]);

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(2);
    expect(report.firstProblem?.kind).toBe('content-mismatch');
  });

  it('catches content deleted without an erasure event', async () => {
    await store.db.execute('DELETE FROM audit_content WHERE event_id = $1', [events[5].eventId]);

    const report = await verify();
    expect(report.firstProblem?.sequence).toBe(6);
    expect(report.firstProblem?.kind).toBe('content-mismatch');
  });

  it('refuses to append over a head under an unknown key', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence > 10');
    const forgerKey = createAuditKey({ keyId: 'invented-key', algorithm: 'hmac-sha256', secret: 'forger-secret-forger-secret-forger-secret' });
    await upsertHead(store.db, signHead({ sequence: 10, headHash: events[9].hash, checkpointCount: 2, signedAt: new Date().toISOString() }, forgerKey));

    await expect(log.append(sampleEvents(1))).rejects.toThrow(/key "invented-key", which was not supplied/);
  });

  it('accepts a head under a previous key after rotation', async () => {
    const newKey = createAuditKey({ keyId: 'audit-test-2', algorithm: 'hmac-sha256', secret: 'second-secret-for-audit-chain-0123456789' });
    await expect(new AuditLog(store.db, { key: newKey, digestSalt }).append(sampleEvents(1))).rejects.toThrow(AuditChainError);

    const rotated = new AuditLog(store.db, { key: newKey, previousKeys: [key], digestSalt, checkpointInterval: 5 });
    const [appended] = await rotated.append(sampleEvents(1));
    expect(appended.sequence).toBe(13);

    const report = await rotated.verify({ key: [key, newKey], digestSalt });
    expect(report.problems).toEqual([]);
  });

  it('refuses to append on top of a truncated chain', async () => {
    await disableTriggers();
    await store.db.execute('DELETE FROM audit_events WHERE sequence = 12');

    await expect(log.append(sampleEvents(1))).rejects.toThrow(AuditChainError);
    await expect(log.append(sampleEvents(1))).rejects.toThrow(/ends at event 11, but its signed head records event 12/);
  });
});

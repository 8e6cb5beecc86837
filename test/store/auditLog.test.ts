/** Audit log operations on SQLite and PostgreSQL: append, trail, export, checkpoints, erasure and retention. */
import { generateKeyPairSync } from 'node:crypto';
import { openStore, type ContactHubStore } from '../../core/store';
import { AuditLog, CSV_COLUMNS, createAuditKey, digestValue, hashEvent, type AuditEvent } from '../../core/audit';
import { TARGET_FACTORIES, type StoreTarget } from './storeTargets';

const key = createAuditKey({ keyId: 'audit-test-1', algorithm: 'hmac-sha256', secret: 'test-secret-for-audit-chain-0123456789' });
const digestSalt = 'test-digest-salt';
const robot = { type: 'system' as const, id: 'chsWriter' };
const operator = { type: 'person' as const, id: 'P1234', name: 'Test Operator', role: 'contact handler' };

describe.each(TARGET_FACTORIES)('audit log on %s', (_dialect, makeTarget) => {
  let target: StoreTarget;
  let store: ContactHubStore;

  beforeEach(async () => {
    target = makeTarget();
    store = await openStore(target.config);
  });

  afterEach(async () => {
    await store?.close();
    await target?.drop();
  });

  it('appends a chained, hashed event', async () => {
    const log = new AuditLog(store.db, { key, digestSalt, now: () => new Date('2026-07-01T12:00:00.000Z') });
    const [first, second] = await log.append([
      { step: 'received', actor: robot, submissionId: 'SUB-A', outcome: 'success', digestValues: { phone: '07700 900123' } },
      { step: 'written-to-chs', actor: robot, submissionId: 'SUB-A', reference: '42/1/26', targetSystem: 'CHS', targetRecordId: 'INC-1', outcome: 'success' },
    ]);

    expect(first.sequence).toBe(1);
    expect(first.previousHash).toBe('0'.repeat(64));
    expect(first.hash).toBe(hashEvent(first));
    expect(first.occurredAtLondon).toBe('2026-07-01T13:00:00.000+01:00');
    expect(first.digests.phone).toBe(digestValue('07700 900123', digestSalt));
    expect(JSON.stringify(first)).not.toContain('07700');
    expect(second.previousHash).toBe(first.hash);
    expect(second.action).toBe('disclosure');
    expect(second.recipient).toBe('CHS');
  });

  it('rejects digest values without a salt', async () => {
    const log = new AuditLog(store.db, { key });
    await expect(
      log.append([{ step: 'received', actor: robot, submissionId: 'SUB-A', outcome: 'success', digestValues: { phone: 'x' } }]),
    ).rejects.toThrow(/no digest salt is configured/);
  });

  it('rejects an append without a signing key', async () => {
    const log = new AuditLog(store.db, {});
    await expect(log.append([{ step: 'received', actor: robot, outcome: 'success' }])).rejects.toThrow(/signing key is needed/);
  });

  it('returns a trail in order by submission and by reference', async () => {
    const log = new AuditLog(store.db, { key, digestSalt });
    await log.append([
      { step: 'received', actor: robot, submissionId: 'SUB-A', outcome: 'success', content: { givenName: 'Alex' } },
      { step: 'received', actor: robot, submissionId: 'SUB-B', outcome: 'success' },
      { step: 'reference-allocated', actor: robot, submissionId: 'SUB-A', reference: '42/7/26', outcome: 'success' },
      { step: 'operator-decision', actor: operator, submissionId: 'SUB-A', reference: '42/7/26', outcome: 'success', justification: 'Not a crime' },
    ]);

    const bySubmission = await log.trail({ submissionId: 'SUB-A' }, { includeContent: true });
    expect(bySubmission.map((entry) => entry.event.sequence)).toEqual([1, 3, 4]);
    expect(bySubmission[0].content).toEqual({ givenName: 'Alex' });
    expect(bySubmission[2].event.actor).toEqual(operator);

    const byReference = await log.trail({ reference: '42/7/26' });
    expect(byReference.map((entry) => entry.event.step)).toEqual(['reference-allocated', 'operator-decision']);
    expect(byReference[0].content).toBeUndefined();
  });

  it('writes checkpoints every N events and on demand', async () => {
    const log = new AuditLog(store.db, { key, checkpointInterval: 3 });
    for (let index = 0; index < 7; index++) await log.append([{ step: 'validated', actor: robot, outcome: 'success' }]);

    const automatic = await store.db.query<{ upToSequence: number }>('SELECT up_to_sequence AS "upToSequence" FROM audit_checkpoints ORDER BY checkpoint_number');
    expect(automatic.map((row) => Number(row.upToSequence))).toEqual([3, 6]);

    const onDemand = await log.checkpoint();
    expect(onDemand?.checkpointNumber).toBe(3);
    expect(onDemand?.upToSequence).toBe(7);
    expect(onDemand?.eventCount).toBe(7);
    expect(await log.checkpoint()).toBeUndefined();
    expect((await log.verify({ key })).ok).toBe(true);
  });

  it('exports JSON Lines that re-hash to the stored hashes', async () => {
    const log = new AuditLog(store.db, { key });
    const stored = await log.append([
      { step: 'received', actor: robot, submissionId: 'SUB-A', outcome: 'success', occurredAt: '2026-01-10T10:00:00Z' },
      { step: 'received', actor: robot, submissionId: 'SUB-B', outcome: 'success', occurredAt: '2026-02-10T10:00:00Z' },
      { step: 'validated', actor: robot, submissionId: 'SUB-A', outcome: 'success', occurredAt: '2026-03-10T10:00:00Z' },
    ]);

    const all = (await log.export({ format: 'jsonl' })).content.trimEnd().split('\n');
    expect(all).toHaveLength(3);
    const parsed = all.map((line) => JSON.parse(line) as AuditEvent);
    for (const event of parsed) expect(hashEvent(event)).toBe(event.hash);
    expect(parsed.map((event) => event.hash)).toEqual(stored.map((event) => event.hash));

    const february = (await log.export({ format: 'jsonl', from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })).content.trimEnd().split('\n');
    expect(february.map((line) => JSON.parse(line).submissionId)).toEqual(['SUB-B']);

    const subA = (await log.export({ format: 'jsonl', submissionId: 'SUB-A' })).content.trimEnd().split('\n');
    expect(subA.map((line) => JSON.parse(line).sequence)).toEqual([1, 3]);

    await expect(log.export({ format: 'jsonl', from: 'yesterday' })).rejects.toThrow(/"from" value "yesterday" is not a valid date/);
  });

  it('exports CSV with a header and escaped fields', async () => {
    const log = new AuditLog(store.db, { key });
    const [event] = await log.append([
      { step: 'operator-decision', actor: operator, submissionId: 'SUB-A', outcome: 'rejected', justification: 'Duplicate, see "42/1/26"\nclosed' },
    ]);

    const exported = await log.export({ format: 'csv' });
    expect(exported.eventCount).toBe(1);
    expect(exported.mimeType).toBe('text/csv');
    const csv = exported.content;
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(CSV_COLUMNS.join(','));
    expect(csv).toContain('"Duplicate, see ""42/1/26""\nclosed"');
    expect(row.startsWith(`1,${event.eventId},`)).toBe(true);
    expect(csv.trimEnd().endsWith(event.hash)).toBe(true);
  });

  it('erases content on request and logs the erasure', async () => {
    const log = new AuditLog(store.db, { key, digestSalt });
    const [withContent] = await log.append([
      { step: 'received', actor: robot, submissionId: 'SUB-A', outcome: 'success', content: { givenName: 'Alex', phone: '07700 900456' } },
    ]);

    const result = await log.eraseContent({ target: { submissionId: 'SUB-A' }, actor: operator, justification: 'Right to erasure request' });
    expect(result.erasedEventIds).toEqual([withContent.eventId]);
    expect(result.erasureEvents).toHaveLength(1);
    expect(result.erasureEvents[0].action).toBe('erasure');
    expect(result.erasureEvents[0].details).toEqual({ erasedEventIds: [withContent.eventId], erasedFields: ['givenName', 'phone'] });
    expect(JSON.stringify(result.erasureEvents[0])).not.toContain('Alex');

    const trail = await log.trail({ submissionId: 'SUB-A' }, { includeContent: true });
    expect(trail).toHaveLength(2);
    expect(trail[0].content).toBeUndefined();
    expect(trail[0].event.contentDigest).toBe(withContent.contentDigest);

    const report = await log.verify({ key, digestSalt });
    expect(report.problems).toEqual([]);
  });

  it('sweeps content past retention and keeps every event', async () => {
    const now = new Date('2026-12-04T12:00:00.000Z');
    const log = new AuditLog(store.db, { key, digestSalt, now: () => now });
    await log.append([
      { step: 'received', actor: robot, submissionId: 'OLD-1', outcome: 'success', content: { name: 'A' }, occurredAt: '2019-01-01T00:00:00Z' },
      { step: 'validated', actor: robot, submissionId: 'OLD-1', outcome: 'success', content: { name: 'A2' }, occurredAt: '2019-01-02T00:00:00Z' },
      { step: 'received', actor: robot, submissionId: 'OLD-2', outcome: 'success', content: { name: 'B' }, occurredAt: '2019-06-01T00:00:00Z' },
      { step: 'received', actor: robot, submissionId: 'NEW-1', outcome: 'success', content: { name: 'C' }, occurredAt: '2026-11-01T00:00:00Z' },
    ]);

    const result = await log.retentionSweep({ olderThan: 'P7Y' });
    expect(result.cutoffUtc).toBe('2019-12-04T12:00:00.000Z');
    expect(result.erasedEventIds).toHaveLength(3);
    expect(result.erasureEvents.map((event) => event.submissionId)).toEqual(['OLD-1', 'OLD-2']);
    expect(result.erasureEvents.every((event) => event.step === 'retention-sweep' && event.action === 'erasure')).toBe(true);

    const events = await store.db.query<{ count: number }>('SELECT COUNT(*) AS count FROM audit_events');
    expect(Number(events[0].count)).toBe(6);
    const content = await store.db.query<{ eventId: string }>('SELECT event_id AS "eventId" FROM audit_content');
    expect(content).toHaveLength(1);

    const again = await log.retentionSweep({ olderThan: 'P7Y' });
    expect(again.erasureEvents).toEqual([]);
    expect((await log.verify({ key, digestSalt })).ok).toBe(true);
  });

  it('signs with Ed25519 and verifies with the public key only', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = createAuditKey({ keyId: 'ed-1', algorithm: 'ed25519', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const log = new AuditLog(store.db, { key: signer, checkpointInterval: 2 });
    await log.append([1, 2, 3].map(() => ({ step: 'validated' as const, actor: robot, outcome: 'success' as const })));

    const auditorKey = createAuditKey({ keyId: 'ed-1', algorithm: 'ed25519', publicKeyPem: signer.publicKeyPem! });
    const report = await new AuditLog(store.db).verify({ key: auditorKey });
    expect(report.ok).toBe(true);
    expect(report.checkpointsChecked).toBe(1);

    const wrongKey = createAuditKey({ keyId: 'ed-1', algorithm: 'ed25519', publicKeyPem: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const failed = await new AuditLog(store.db).verify({ key: wrongKey });
    expect(failed.firstProblem?.kind).toBe('checkpoint-signature-invalid');
  });
});

/**
 * The reconciler's poll logic against a real SQLite Contact Hub Store with the real audit log:
 * which entries it confirms as completed, claims, re-drives and alerts on, and what it leaves alone.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openAuditLog } from '../../../core/audit/auditLog';
import { createAuditKey } from '../../../core/audit/keys';
import { openStore, type ContactHubStore } from '../../../core/store';
import { MANUAL_HANDLING_CODES, reconcile, type ReconcileOptions } from '../../../nodes/ContactHubReconciler/reconcile';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'sdm', 'ocr-business-victim-stolen-bicycle.json');

const BASE_OPTIONS: ReconcileOptions = {
  thresholdSeconds: 0,
  maxPerPoll: 10,
  maxAttempts: 2,
  leaseSeconds: 60,
  finalStep: 'written-to-athena',
  confirmWithAudit: true,
};

let folder: string;
let store: ContactHubStore;

function documentFor(submissionId: string): string {
  const document = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { included: Array<{ type: string; attributes: Record<string, unknown> }> };
  document.included.find((entry) => entry.type === 'submission')!.attributes.submissionId = submissionId;
  return JSON.stringify(document);
}

async function receive(submissionId: string, document = documentFor(submissionId)): Promise<void> {
  await store.intake.recordReceived({
    submissionId,
    bodySha256: createHash('sha256').update(document).digest('hex'),
    source: 'standard-api',
    formType: 'OCR',
    document,
  });
}

async function appendAudit(submissionId: string, step: 'written-to-chs' | 'written-to-athena', outcome: 'success' | 'failure' = 'success') {
  const key = createAuditKey({ keyId: 'test', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 7).toString('base64') });
  await openAuditLog(store, { key, digestSalt: 'salt' }).append([
    {
      step,
      actor: { type: 'system', id: 'test' },
      submissionId,
      outcome,
      recipient: step === 'written-to-chs' ? 'CHS' : 'Athena',
    },
  ]);
}

beforeEach(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'contact-hub-reconciler-'));
  store = await openStore({ type: 'sqlite', path: path.join(folder, 'store.sqlite') });
});

afterEach(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('reconcile', () => {
  it('emits an unfinished submission as a canonical item with its progress', async () => {
    await receive('sub-1');
    await store.intake.markState('sub-1', 'reference-allocated', { reference: '42/00001/26', lastError: 'CHS timed out' });

    const result = await reconcile(store, { ...BASE_OPTIONS, owner: 'poll-1' });

    expect(result.alert).toEqual([]);
    expect(result.redrive).toHaveLength(1);
    const [item] = result.redrive;
    expect(item.submission.id).toBe('sub-1');
    expect(item.formType).toBe('OCR');
    expect(item.source).toBe('standard-api');
    expect(Array.isArray(item.people)).toBe(true);
    expect(item.reference).toBe('42/00001/26');
    expect(item.reconcile).toMatchObject({
      state: 'reference-allocated',
      lastStep: 'Force reference allocated',
      nextStep: 'Create the CHS incident',
      attempts: 1,
      maxAttempts: 2,
      lastError: 'CHS timed out',
      claimOwner: 'poll-1',
      preview: false,
    });
    expect(Date.parse(item.reconcile.claimedUntil!)).toBeGreaterThan(Date.now());

    const entry = await store.intake.get('sub-1');
    expect(entry?.claimOwner).toBe('poll-1');
    expect(entry?.redriveCount).toBe(1);
  });

  it('leaves finished and recently updated submissions alone', async () => {
    await receive('done');
    await store.intake.markState('done', 'completed');
    await receive('manual');
    await store.intake.markState('manual', 'manual-handling', { manualReason: 'Form type switched off' });
    await receive('recent');

    const result = await reconcile(store, { ...BASE_OPTIONS, thresholdSeconds: 3600 });

    expect(result).toEqual({ completed: [], redrive: [], alert: [] });
    expect((await store.intake.get('recent'))?.redriveCount).toBe(0);
  });

  it('marks the final step completed once its audit event exists', async () => {
    await receive('audited');
    await store.intake.markState('audited', 'written-to-athena', { athenaOccurrenceId: 'OCC-1' });
    await appendAudit('audited', 'written-to-athena');

    const result = await reconcile(store, BASE_OPTIONS);

    expect(result.completed).toEqual(['audited']);
    expect(result.redrive).toEqual([]);
    expect((await store.intake.get('audited'))?.state).toBe('completed');
  });

  it('re-drives the final step without its audit event', async () => {
    await receive('unaudited');
    await store.intake.markState('unaudited', 'written-to-athena', { athenaOccurrenceId: 'OCC-2' });
    await appendAudit('unaudited', 'written-to-athena', 'failure');

    const result = await reconcile(store, BASE_OPTIONS);

    expect(result.completed).toEqual([]);
    expect(result.redrive.map((item) => item.submission.id)).toEqual(['unaudited']);
    expect(result.redrive[0].reconcile.nextStep).toBe('Write the audit event for the Athena occurrence');
    expect((await store.intake.get('unaudited'))?.state).toBe('written-to-athena');
  });

  it('completes without audit when confirmation is off', async () => {
    await receive('no-audit');
    await store.intake.markState('no-audit', 'written-to-athena');

    const result = await reconcile(store, { ...BASE_OPTIONS, confirmWithAudit: false });

    expect(result.completed).toEqual(['no-audit']);
  });

  it('treats CHS as the final step for a CHS-only path', async () => {
    await receive('chs-only');
    await store.intake.markState('chs-only', 'written-to-chs', { chsIncidentId: 'INC-1' });
    await appendAudit('chs-only', 'written-to-chs');

    const chsPath = await reconcile(store, { ...BASE_OPTIONS, finalStep: 'written-to-chs' });

    expect(chsPath.completed).toEqual(['chs-only']);
    expect((await store.intake.get('chs-only'))?.state).toBe('completed');
  });

  it('keeps CHS unfinished on a path that ends at Athena', async () => {
    await receive('chs-then-athena');
    await store.intake.markState('chs-then-athena', 'written-to-chs', { chsIncidentId: 'INC-2' });
    await appendAudit('chs-then-athena', 'written-to-chs');

    const result = await reconcile(store, BASE_OPTIONS);

    expect(result.completed).toEqual([]);
    expect(result.redrive[0].reconcile.nextStep).toBe('Create the Athena occurrence');
  });

  it('sends a submission to Alert after the maximum attempts', async () => {
    await receive('stuck');
    await store.intake.markState('stuck', 'written-to-chs', { lastError: 'Athena answered 503' });

    const attempts: number[] = [];
    for (let poll = 1; poll <= 2; poll += 1) {
      const result = await reconcile(store, { ...BASE_OPTIONS, owner: `poll-${poll}`, leaseSeconds: 1 });
      attempts.push(...result.redrive.map((item) => item.reconcile.attempts));
      await store.intake.releaseClaim('stuck', `poll-${poll}`);
    }
    const last = await reconcile(store, { ...BASE_OPTIONS, owner: 'poll-3' });

    expect(attempts).toEqual([1, 2]);
    expect(last.redrive).toEqual([]);
    expect(last.alert).toHaveLength(1);
    expect(last.alert[0].manualHandling?.code).toBe(MANUAL_HANDLING_CODES.maxAttempts);
    expect(last.alert[0].manualHandling?.reason).toContain('re-driven 2 time(s)');
    expect(last.alert[0].manualHandling?.reason).toContain('Athena answered 503');
    expect(last.alert[0].reconcile.attempts).toBe(3);

    const entry = await store.intake.get('stuck');
    expect(entry?.state).toBe('manual-handling');
    expect(entry?.manualReason).toBe(last.alert[0].manualHandling?.reason);
    expect(entry?.claimOwner).toBeNull();
    expect(await reconcile(store, BASE_OPTIONS)).toEqual({ completed: [], redrive: [], alert: [] });
  });

  it('gives a claimed submission to nobody else until the lease ends', async () => {
    await receive('leased');

    const first = await reconcile(store, { ...BASE_OPTIONS, owner: 'holder', leaseSeconds: 1 });
    const during = await reconcile(store, { ...BASE_OPTIONS, owner: 'other' });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const after = await reconcile(store, { ...BASE_OPTIONS, owner: 'other' });

    expect(first.redrive.map((item) => item.submission.id)).toEqual(['leased']);
    expect(during.redrive).toEqual([]);
    expect(after.redrive.map((item) => item.submission.id)).toEqual(['leased']);
    expect(after.redrive[0].reconcile.attempts).toBe(2);
    expect((await store.intake.get('leased'))?.claimOwner).toBe('other');
  });

  it('claims at most the maximum per poll, oldest first', async () => {
    for (const id of ['a', 'b', 'c']) await receive(id);

    const first = await reconcile(store, { ...BASE_OPTIONS, maxPerPoll: 2 });
    const second = await reconcile(store, { ...BASE_OPTIONS, maxPerPoll: 2 });

    expect(first.redrive.map((item) => item.submission.id)).toEqual(['a', 'b']);
    expect(second.redrive.map((item) => item.submission.id)).toEqual(['c']);
  });

  it('changes nothing in a preview', async () => {
    await receive('preview');
    await store.intake.markState('preview', 'written-to-athena');
    await appendAudit('preview', 'written-to-athena');
    await receive('preview-2');

    const result = await reconcile(store, { ...BASE_OPTIONS, preview: true });

    expect(result.completed).toEqual([]);
    expect(result.redrive.map((item) => item.submission.id)).toEqual(['preview', 'preview-2']);
    expect(result.redrive[0].reconcile).toMatchObject({ preview: true, attempts: 1, claimedUntil: null });
    const entry = await store.intake.get('preview');
    expect(entry?.state).toBe('written-to-athena');
    expect(entry?.redriveCount).toBe(0);
    expect(entry?.claimOwner).toBeNull();
  });

  it('alerts on a stored document that no longer parses', async () => {
    await receive('broken', '{"data": "not an SDM incident"}');

    const result = await reconcile(store, BASE_OPTIONS);

    expect(result.redrive).toEqual([]);
    expect(result.alert).toHaveLength(1);
    expect(result.alert[0].submission.id).toBe('broken');
    expect(result.alert[0].manualHandling?.code).toBe(MANUAL_HANDLING_CODES.unreadableDocument);
    expect((await store.intake.get('broken'))?.state).toBe('manual-handling');
  });

  it.each([
    ['thresholdSeconds', -1],
    ['maxPerPoll', 0],
    ['maxAttempts', Number.NaN],
    ['leaseSeconds', 0],
  ])('rejects %s = %p', async (name, value) => {
    await expect(reconcile(store, { ...BASE_OPTIONS, [name]: value })).rejects.toThrow(new RegExp(`option ${name}`));
  });

  it('rejects an unknown final step', async () => {
    await expect(reconcile(store, { ...BASE_OPTIONS, finalStep: 'completed' as never })).rejects.toThrow(/finalStep/);
  });
});

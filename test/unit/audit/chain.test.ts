import { createHash } from 'node:crypto';
import { EVENT_HASH_DOMAIN, GENESIS_HASH, digestValue, hashEvent } from '../../../core/audit/chain';
import { canonicalJson } from '../../../core/audit/canonicalJson';
import type { UnhashedAuditEvent } from '../../../core/audit/event';

const event: UnhashedAuditEvent = {
  version: 1,
  sequence: 1,
  eventId: '6f1c2f2e-3d0b-4f7e-9a55-0c4f4f0b9c11',
  occurredAtUtc: '2026-06-12T14:09:33.880Z',
  occurredAtLondon: '2026-06-12T15:09:33.880+01:00',
  step: 'received',
  action: 'collection',
  actor: { type: 'system', id: 'sohTrigger' },
  submissionId: 'SUB-1',
  outcome: 'success',
  details: {},
  digests: {},
  previousHash: GENESIS_HASH,
};

describe('hashEvent', () => {
  it('hashes the domain prefix and the canonical JSON', () => {
    const expected = createHash('sha256').update(`contact-hub/audit-event/v1\0${canonicalJson(event)}`).digest('hex');
    expect(hashEvent(event)).toBe(expected);
    expect(EVENT_HASH_DOMAIN.endsWith('\0')).toBe(true);
  });

  it('ignores an existing hash field', () => {
    expect(hashEvent({ ...event, hash: 'f'.repeat(64) })).toBe(hashEvent(event));
  });

  it('differs from a hash without the domain', () => {
    const plain = createHash('sha256').update(canonicalJson(event)).digest('hex');
    expect(hashEvent(event)).not.toBe(plain);
  });

  it('changes when any field changes', () => {
    const base = hashEvent(event);
    expect(hashEvent({ ...event, submissionId: 'SUB-2' })).not.toBe(base);
    expect(hashEvent({ ...event, sequence: 2 })).not.toBe(base);
    expect(hashEvent({ ...event, actor: { type: 'system', id: 'other' } })).not.toBe(base);
  });
});

describe('digestValue', () => {
  it('is keyed by the salt', () => {
    const phone = '07700 900123';
    expect(digestValue(phone, 'salt-a')).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(digestValue(phone, 'salt-a')).not.toBe(digestValue(phone, 'salt-b'));
    expect(digestValue(phone, 'salt-a')).not.toContain(createHash('sha256').update(JSON.stringify(phone)).digest('hex'));
  });

  it('digests objects by canonical JSON', () => {
    expect(digestValue({ a: 1, b: 2 }, 's')).toBe(digestValue({ b: 2, a: 1 }, 's'));
  });

  it('requires a salt', () => {
    expect(() => digestValue('x', '')).toThrow(/digest salt is required/);
  });
});

import { parseAuditEventInput } from '../../../core/audit/event';
import { subtractIsoDuration } from '../../../core/audit/retention';

const system = { type: 'system' as const, id: 'chsWriter' };

describe('parseAuditEventInput', () => {
  it('derives disclosure and recipient for written-to-chs', () => {
    const parsed = parseAuditEventInput({ step: 'written-to-chs', actor: system, outcome: 'success' });
    expect(parsed.action).toBe('disclosure');
    expect(parsed.recipient).toBe('CHS');
  });

  it.each([
    ['received', 'collection'],
    ['person-decision', 'combination'],
    ['operator-decision', 'alteration'],
    ['retention-sweep', 'erasure'],
  ] as const)('maps step %s to %s', (step, action) => {
    expect(parseAuditEventInput({ step, actor: system, outcome: 'success' }).action).toBe(action);
  });

  it('keeps a chosen action', () => {
    expect(parseAuditEventInput({ step: 'validated', action: 'alteration', actor: system, outcome: 'success' }).action).toBe('alteration');
  });

  it('requires an action for step other', () => {
    expect(() => parseAuditEventInput({ step: 'other', actor: system, outcome: 'success' }, 4)).toThrow(
      /Audit event 4 has step "other" and no action/,
    );
  });

  it('requires a recipient for a chosen disclosure', () => {
    expect(() => parseAuditEventInput({ step: 'other', action: 'disclosure', actor: system, outcome: 'success' })).toThrow(
      /disclosure without a recipient/,
    );
  });

  it('requires name and role for a person', () => {
    expect(() => parseAuditEventInput({ step: 'operator-decision', actor: { type: 'person', id: 'P123' }, outcome: 'success' })).toThrow(
      /actor.name and actor.role are required/,
    );
  });

  it('names an invalid field', () => {
    expect(() => parseAuditEventInput({ step: 'received', actor: system, outcome: 'done' })).toThrow(/outcome/);
    expect(() => parseAuditEventInput({ step: 'received', actor: system, outcome: 'success', colour: 'red' })).toThrow(/colour/);
  });

  it('accepts an ISO occurredAt with offset', () => {
    const parsed = parseAuditEventInput({ step: 'received', actor: system, outcome: 'success', occurredAt: '2026-06-12T15:09:33.880+01:00' });
    expect(parsed.occurredAt.toISOString()).toBe('2026-06-12T14:09:33.880Z');
  });
});

describe('subtractIsoDuration', () => {
  const now = new Date('2026-12-04T12:00:00.000Z');

  it.each([
    ['P7Y', '2019-12-04T12:00:00.000Z'],
    ['P6M', '2026-06-04T12:00:00.000Z'],
    ['P1Y6M', '2025-06-04T12:00:00.000Z'],
    ['P90D', '2026-09-05T12:00:00.000Z'],
    ['P2W', '2026-11-20T12:00:00.000Z'],
  ])('subtracts %s', (duration, expected) => {
    expect(subtractIsoDuration(now, duration).toISOString()).toBe(expected);
  });

  it.each(['', 'P', '7Y', 'PT1H', 'P0D', 'P-1Y'])('rejects %j', (duration) => {
    expect(() => subtractIsoDuration(now, duration)).toThrow(RangeError);
  });
});

import { londonDate, periodKey } from '../../../core/reference';

describe('londonDate', () => {
  const cases: Array<[string, string, string]> = [
    ['00:30 BST on 1 April is April', '2026-03-31T23:30:00Z', '2026-04-01'],
    ['23:30 GMT on 31 January is January', '2026-01-31T23:30:00Z', '2026-01-31'],
    ['spring-forward night', '2026-03-29T00:59:59Z', '2026-03-29'],
    ['first 01:30 of fall-back night', '2026-10-25T00:30:00Z', '2026-10-25'],
    ['second 01:30 of fall-back night', '2026-10-25T01:30:00Z', '2026-10-25'],
    ['23:30 GMT after fall-back', '2026-10-25T23:30:00Z', '2026-10-25'],
    ['23:30 UTC before fall-back is the next day', '2026-10-24T23:30:00Z', '2026-10-25'],
    ['last second of the year', '2026-12-31T23:59:59Z', '2026-12-31'],
    ['new year in GMT', '2027-01-01T00:00:00Z', '2027-01-01'],
    ['summer month end', '2026-06-30T23:30:00Z', '2026-07-01'],
  ];

  it.each(cases)('%s', (_name, instant, expected) => {
    const date = londonDate(new Date(instant));
    expect(periodKey('daily', date)).toBe(expected);
  });

  it('rejects an invalid time', () => {
    expect(() => londonDate(new Date('not a time'))).toThrow(/invalid time/);
  });
});

describe('periodKey', () => {
  const date = { year: 2026, month: 4, day: 1 };

  it('keys each reset period', () => {
    expect(periodKey('never', date)).toBe('all');
    expect(periodKey('yearly', date)).toBe('2026');
    expect(periodKey('monthly', date)).toBe('2026-04');
    expect(periodKey('daily', date)).toBe('2026-04-01');
  });

  it('rejects an unknown period', () => {
    expect(() => periodKey('weekly' as never, date)).toThrow(/Reset period "weekly" is invalid/);
  });
});

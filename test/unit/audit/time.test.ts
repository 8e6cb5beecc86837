import { toLondonIso } from '../../../core/audit/time';

describe('toLondonIso', () => {
  it.each([
    ['winter (GMT)', '2026-12-04T20:31:37.000Z', '2026-12-04T20:31:37.000+00:00'],
    ['summer (BST)', '2026-07-01T12:05:09.120Z', '2026-07-01T13:05:09.120+01:00'],
    ['just before spring forward', '2026-03-29T00:59:59.999Z', '2026-03-29T00:59:59.999+00:00'],
    ['at spring forward', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000+01:00'],
    ['first 01:30 in autumn', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000+01:00'],
    ['second 01:30 in autumn', '2026-10-25T01:30:00.000Z', '2026-10-25T01:30:00.000+00:00'],
    ['BST midnight crosses the date', '2026-06-30T23:30:00.000Z', '2026-07-01T00:30:00.000+01:00'],
  ])('formats %s', (_label, utc, london) => {
    expect(toLondonIso(new Date(utc))).toBe(london);
  });

  it('rejects an invalid date', () => {
    expect(() => toLondonIso(new Date('nope'))).toThrow(/invalid Date/);
  });
});

import { parseContactTime } from '../../../core/sdm';

const receivedAt = new Date('2025-12-01T09:00:00Z');

describe('parseContactTime', () => {
  test('offset kept with its instant', () => {
    expect(parseContactTime('2023-06-12T15:09:33.880+01:00', receivedAt)).toEqual({
      original: '2023-06-12T15:09:33.880+01:00',
      utc: '2023-06-12T14:09:33.880Z',
      offset: '+01:00',
      londonLocal: '2023-06-12T15:09:33',
      flags: [],
    });
  });

  test('UTC in summer is not a mismatch', () => {
    expect(parseContactTime('2025-06-14T14:02:00Z', receivedAt)?.flags).toEqual([]);
  });

  test('numeric offset that is not London time', () => {
    expect(parseContactTime('2025-06-14T14:02:00+00:00', receivedAt)).toMatchObject({
      utc: '2025-06-14T14:02:00.000Z',
      londonLocal: '2025-06-14T15:02:00',
      flags: ['offset-mismatch'],
    });
  });

  test('local time in the spring-forward gap', () => {
    expect(parseContactTime('2025-03-30T01:30:00', receivedAt)).toEqual({
      original: '2025-03-30T01:30:00',
      utc: '2025-03-30T01:30:00.000Z',
      londonLocal: '2025-03-30T01:30:00',
      flags: ['no-offset', 'nonexistent-local-time'],
    });
  });

  test('local time in the fall-back hour', () => {
    expect(parseContactTime('2025-10-26T01:15:00', receivedAt)).toEqual({
      original: '2025-10-26T01:15:00',
      utc: '2025-10-26T00:15:00.000Z',
      londonLocal: '2025-10-26T01:15:00',
      flags: ['no-offset', 'ambiguous-local-time'],
    });
  });

  test('local time in summer', () => {
    expect(parseContactTime('2025-07-01T12:00:00', receivedAt)).toMatchObject({ utc: '2025-07-01T11:00:00.000Z', flags: ['no-offset'] });
  });

  test('time after receipt', () => {
    expect(parseContactTime('2025-12-01T09:10:00Z', receivedAt)?.flags).toEqual(['in-future']);
    expect(parseContactTime('2025-12-01T09:04:00Z', receivedAt)?.flags).toEqual([]);
  });

  test.each(['yesterday', '2025-02-30T10:00:00Z', '2025-13-01T10:00:00Z', 12345])('unparseable %p', (value) => {
    expect(parseContactTime(value, receivedAt)).toEqual({ original: String(value), flags: ['unparseable'] });
  });

  test('missing value', () => {
    expect(parseContactTime(undefined, receivedAt)).toBeUndefined();
    expect(parseContactTime('', receivedAt)).toBeUndefined();
  });
});

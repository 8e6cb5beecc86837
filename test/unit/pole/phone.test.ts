import { normalisePhone, toE164 } from '../../../core/pole/phone';

describe('toE164', () => {
  const cases: Array<[string, string | undefined]> = [
    ['07700 900123', '+447700900123'],
    ['07700900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['+447700900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['00447700900123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['+44 (0) 7700 900 123', '+447700900123'],
    ['(01632) 960 001', '+441632960001'],
    ['01632-960-001', '+441632960001'],
    ['020 7946 0000', '+442079460000'],
    ['447700900123', '+447700900123'],
    ['+44 07700 900123', '+447700900123'],
    ['07700 900123 ext 45', '+447700900123'],
    ['+33 1 23 45 67 89', '+33123456789'],
    ['0033 1 23 45 67 89', '+33123456789'],
    ['07700 9001', undefined],
    ['077009001234', undefined],
    ['7700900123', undefined],
    ['not known', undefined],
    ['0800 CALL NOW', undefined],
    ['', undefined],
    ['+44+7700900123', undefined],
    ['+1234', undefined],
  ];

  test.each(cases)('%p becomes %p', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  test('marks UK and other numbers', () => {
    expect(normalisePhone('07700 900123')?.country).toBe('GB');
    expect(normalisePhone('+33 1 23 45 67 89')?.country).toBe('other');
    expect(normalisePhone(undefined)).toBeUndefined();
  });
});

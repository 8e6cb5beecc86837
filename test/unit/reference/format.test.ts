import {
  ReferenceSequenceExhaustedError,
  MAX_REFERENCE_LENGTH,
  ReferenceDateError,
  allocationKeys,
  compileReferenceFormat,
  renderReference,
  validateReference,
} from '../../../core/reference';

describe('renderReference', () => {
  it('renders a Kent/Essex crime number', () => {
    const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:5}/{YY}', forceCode: '46', resetPeriod: 'yearly' });
    expect(renderReference(format, { year: 2025, month: 3, day: 1 }, 12345)).toBe('46/12345/25');
  });

  it('renders a Met CAD number', () => {
    const format = compileReferenceFormat({ pattern: '{SEQ:4}/{DD}{MON}', resetPeriod: 'daily' });
    expect(renderReference(format, { year: 2026, month: 11, day: 21 }, 2089)).toBe('2089/21Nov');
  });

  it('renders a Sussex serial', () => {
    const format = compileReferenceFormat({ pattern: 'serial {SEQ:4} of {DD}/{MM}', resetPeriod: 'daily' });
    expect(renderReference(format, { year: 2026, month: 8, day: 5 }, 500)).toBe('serial 0500 of 05/08');
  });

  it('renders an 11-digit Niche number', () => {
    const format = compileReferenceFormat({ pattern: '{YY}{SEQ:9}', resetPeriod: 'yearly' });
    const reference = renderReference(format, { year: 2026, month: 1, day: 1 }, 42);
    expect(reference).toBe('26000000042');
    expect(reference).toMatch(/^[0-9]{11}$/);
  });

  it('uses the width setting for {SEQ}', () => {
    const format = compileReferenceFormat({ pattern: '{SEQ}-{YYYY}', sequenceWidth: 7 });
    expect(renderReference(format, { year: 2026, month: 1, day: 1 }, 3)).toBe('0000003-2026');
  });

  it('appends a check digit', () => {
    const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:5}/{YY}', forceCode: '46', checkCharacter: true });
    const reference = renderReference(format, { year: 2025, month: 1, day: 1 }, 12345);
    // Damm over 46 12345 25.
    expect(reference).toMatch(/^46\/12345\/25[0-9]$/);
    expect(validateReference(format, reference).valid).toBe(true);
  });

  it('places {CHECK} where the pattern says', () => {
    const format = compileReferenceFormat({ pattern: '{CHECK}-{SEQ:3}/{YY}', checkCharacter: true });
    const reference = renderReference(format, { year: 2026, month: 1, day: 1 }, 7);
    expect(reference).toMatch(/^[0-9]-007\/26$/);
    expect(validateReference(format, reference).valid).toBe(true);
  });

  it('rejects a sequence that no longer fits', () => {
    const format = compileReferenceFormat({ pattern: '{SEQ:2}/{YY}' });
    expect(renderReference(format, { year: 2026, month: 1, day: 1 }, 99)).toBe('99/26');
    expect(() => renderReference(format, { year: 2026, month: 1, day: 1 }, 100)).toThrow(ReferenceSequenceExhaustedError);
  });
});

describe('allocationKeys', () => {
  it('keys a yearless pattern by year', () => {
    const format = compileReferenceFormat({ pattern: '{SEQ:4}/{DD}{MON}', resetPeriod: 'daily' });
    const keys = allocationKeys(format, new Date('2026-03-31T23:30:00Z'));
    expect(keys.periodKey).toBe('2026-04-01');
    expect(keys.scope).toBe('|{SEQ:4}/{DD}{MON}|2026');
  });

  it('keeps one scope across years', () => {
    const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:5}/{YY}', forceCode: '46' });
    const before = allocationKeys(format, new Date('2026-12-31T23:59:59Z'));
    const after = allocationKeys(format, new Date('2027-01-01T00:00:00Z'));
    expect(before.scope).toBe(after.scope);
    expect(before.periodKey).toBe('2026');
    expect(after.periodKey).toBe('2027');
  });
});

describe('reference length', () => {
  it('rejects a pattern longer than Athena stores', () => {
    const pattern = `${'A'.repeat(95)}{SEQ:5}`;
    expect(() => compileReferenceFormat({ pattern, resetPeriod: 'never', checkCharacter: true })).toThrow(
      `makes references of 101 characters; the limit is ${MAX_REFERENCE_LENGTH}`,
    );
  });

  it('accepts a pattern at the limit', () => {
    const format = compileReferenceFormat({ pattern: `${'A'.repeat(95)}{SEQ:5}`, resetPeriod: 'never' });
    expect(renderReference(format, { year: 2026, month: 6, day: 1 }, 1)).toHaveLength(MAX_REFERENCE_LENGTH);
  });
});

describe('allocation years', () => {
  it('keeps {YY} to 2000 to 2099', () => {
    const format = compileReferenceFormat({ pattern: '{SEQ:5}/{YY}' });
    expect(() => allocationKeys(format, new Date('1999-06-01T12:00:00Z'))).toThrow(ReferenceDateError);
    expect(() => allocationKeys(format, new Date('2100-06-01T12:00:00Z'))).toThrow('can only allocate references from 2000 to 2099');
    expect(allocationKeys(format, new Date('2099-06-01T12:00:00Z')).periodKey).toBe('2099');
  });

  it('keeps {YYYY} to four digits', () => {
    const format = compileReferenceFormat({ pattern: '{YYYY}/{SEQ:5}' });
    expect(() => allocationKeys(format, new Date('+010000-01-01T00:00:00Z'))).toThrow('can only allocate references from 1000 to 9999');
    expect(allocationKeys(format, new Date('1999-06-01T12:00:00Z')).periodKey).toBe('1999');
  });
});

describe('validateReference', () => {
  const kent = { forceCode: '46', checkCharacter: true };
  const kentPattern = '{FORCE}/{SEQ:5}/{YY}';
  const good = renderReference(compileReferenceFormat({ pattern: kentPattern, ...kent }), { year: 2025, month: 1, day: 1 }, 12345);

  it('accepts a reference it rendered', () => {
    const result = validateReference(kentPattern, good, kent);
    expect(result.valid).toBe(true);
    expect(result.parts).toMatchObject({ forceCode: '46', year: 2025, sequence: 12345 });
  });

  it('quotes at most 60 characters of junk', () => {
    const result = validateReference(kentPattern, 'x'.repeat(10_000), kent);
    expect(result.valid).toBe(false);
    expect(result.reason).toBe(`"${'x'.repeat(57)}..." does not have the shape of pattern "${kentPattern}"`);
  });

  it('names a value that is not text', () => {
    expect(validateReference(kentPattern, 46 as unknown as string, kent).reason).toBe('The reference is a number, not text');
  });

  it('catches a misread digit', () => {
    const misread = good.replace('12345', '12845');
    expect(validateReference(kentPattern, misread, kent)).toMatchObject({ valid: false, reason: expect.stringMatching(/check character/) });
  });

  it('catches swapped digits', () => {
    const swapped = good.replace('12345', '13245');
    expect(validateReference(kentPattern, swapped, kent).valid).toBe(false);
  });

  it('rejects the wrong shape', () => {
    expect(validateReference(kentPattern, '46/1234/25', kent).reason).toMatch(/does not have the shape/);
    expect(validateReference(kentPattern, '47/12345/250', kent).valid).toBe(false);
  });

  it('rejects an empty text', () => {
    expect(validateReference(kentPattern, ' ', kent).reason).toMatch(/empty/);
  });

  it('reads a month name in any case', () => {
    const result = validateReference('{SEQ:4}/{DD}{MON}', ' 2089/21NOV ', { resetPeriod: 'daily' });
    expect(result).toMatchObject({ valid: true, parts: { sequence: 2089, day: 21, month: 11 } });
  });

  it('rejects impossible dates', () => {
    expect(validateReference('{SEQ:4}/{DD}/{MM}/{YYYY}', '0001/31/02/2026', { resetPeriod: 'daily' }).reason).toMatch(/Day 31/);
    expect(validateReference('{SEQ:4}/{DD}/{MM}', '0001/29/02', { resetPeriod: 'daily' }).valid).toBe(true);
    expect(validateReference('{SEQ:4}/{MM}/{YY}', '0001/13/26', { resetPeriod: 'monthly' }).reason).toMatch(/Month 13/);
  });

  it('rejects sequence zero', () => {
    expect(validateReference('{SEQ:4}/{YY}', '0000/26').reason).toMatch(/starts at 1|start at 1/);
  });

  it('validates an alphanumeric check character', () => {
    const format = compileReferenceFormat({ pattern: '{SEQ:4}/{DD}{MON}', resetPeriod: 'daily', checkCharacter: true });
    const reference = renderReference(format, { year: 2026, month: 11, day: 21 }, 2089);
    expect(reference).toMatch(/^2089\/21Nov[0-9A-Z]$/);
    expect(validateReference(format, reference.toLowerCase()).valid).toBe(true);
    expect(validateReference(format, reference.replace('21Nov', '21Dec')).valid).toBe(false);
  });
});

import { ReferencePatternError, compileReferenceFormat, parseReferencePattern } from '../../../core/reference';

function patternError(run: () => unknown): ReferencePatternError {
  try {
    run();
  } catch (error) {
    if (error instanceof ReferencePatternError) return error;
    throw error;
  }
  throw new Error('expected a ReferencePatternError');
}

describe('parseReferencePattern', () => {
  it('splits literals and tokens', () => {
    const parsed = parseReferencePattern('{FORCE}/{SEQ:5}/{YY}');
    expect(parsed.parts).toEqual([
      { kind: 'token', name: 'FORCE', text: '{FORCE}', position: 0 },
      { kind: 'literal', text: '/' },
      { kind: 'token', name: 'SEQ', text: '{SEQ:5}', position: 8, width: 5 },
      { kind: 'literal', text: '/' },
      { kind: 'token', name: 'YY', text: '{YY}', position: 16 },
    ]);
  });

  it('names an unknown token', () => {
    const error = patternError(() => parseReferencePattern('{FORCE}/{SEQ}/{YEAR}'));
    expect(error.token).toBe('{YEAR}');
    expect(error.message).toMatch(/\{YEAR\} at position 15 is unknown/);
  });

  it('names an unclosed token', () => {
    const error = patternError(() => parseReferencePattern('{SEQ}/{YY'));
    expect(error.token).toBe('{YY');
    expect(error.message).toMatch(/not closed/);
  });

  it('names a stray closing brace', () => {
    expect(patternError(() => parseReferencePattern('{SEQ}}')).token).toBe('}');
  });

  it('rejects a bad sequence width', () => {
    expect(patternError(() => parseReferencePattern('{SEQ:0}')).message).toMatch(/invalid width/);
    expect(patternError(() => parseReferencePattern('{SEQ:16}')).message).toMatch(/invalid width/);
    expect(patternError(() => parseReferencePattern('{SEQ:x}')).token).toBe('{SEQ:x}');
  });

  it('rejects an option on other tokens', () => {
    expect(patternError(() => parseReferencePattern('{SEQ}{YY:2}')).token).toBe('{YY:2}');
  });

  it('rejects a repeated token', () => {
    expect(patternError(() => parseReferencePattern('{SEQ}/{SEQ}')).message).toMatch(/appears twice/);
  });

  it('requires a sequence', () => {
    expect(patternError(() => parseReferencePattern('{FORCE}/{YY}')).message).toMatch(/no \{SEQ\} token/);
  });

  it.each([
    ['line break', 'A\n{SEQ}', 'U+000A', 2],
    ['right-to-left override', '\u202e{SEQ}', 'U+202E', 1],
    ['zero-width space', '{YYYY}\u200b{SEQ}', 'U+200B', 7],
  ])('rejects a %s in a literal', (_label, pattern, codePoint, position) => {
    expect(() => parseReferencePattern(pattern)).toThrow(`invisible control character (${codePoint}) at position ${position}`);
  });

  it('rejects an empty pattern', () => {
    expect(patternError(() => parseReferencePattern('  ')).message).toMatch(/empty/);
  });

  it('rejects two year tokens', () => {
    expect(patternError(() => parseReferencePattern('{YYYY}{YY}{SEQ}')).message).toMatch(/one year token/);
  });
});

describe('compileReferenceFormat', () => {
  it('rejects a yearly reset without a year', () => {
    const error = patternError(() => compileReferenceFormat({ pattern: '{FORCE}/{SEQ}', forceCode: '46', resetPeriod: 'yearly' }));
    expect(error.message).toMatch(/resets yearly but has no \{YYYY\} or \{YY\}/);
  });

  it('rejects a daily reset without a day', () => {
    expect(patternError(() => compileReferenceFormat({ pattern: '{SEQ}/{MM}/{YY}', resetPeriod: 'daily' })).message).toMatch(/resets daily/);
  });

  it('rejects a monthly reset without a month', () => {
    expect(patternError(() => compileReferenceFormat({ pattern: '{SEQ}/{YY}', resetPeriod: 'monthly' })).message).toMatch(/resets monthly/);
  });

  it('requires a force code for {FORCE}', () => {
    const error = patternError(() => compileReferenceFormat({ pattern: '{FORCE}/{SEQ}/{YY}' }));
    expect(error.token).toBe('{FORCE}');
    expect(error.message).toMatch(/Force code "" is invalid/);
  });

  it('rejects {CHECK} with the check switched off', () => {
    expect(patternError(() => compileReferenceFormat({ pattern: '{SEQ}/{YY}{CHECK}' })).token).toBe('{CHECK}');
  });

  it('rejects a bad sequence width setting', () => {
    expect(patternError(() => compileReferenceFormat({ pattern: '{SEQ}/{YY}', sequenceWidth: 0 })).message).toMatch(/Sequence width 0/);
  });

  it('marks yearless daily patterns as repeating', () => {
    expect(compileReferenceFormat({ pattern: '{SEQ:4}/{DD}{MON}', resetPeriod: 'daily' }).repeatsYearly).toBe(true);
    expect(compileReferenceFormat({ pattern: '{SEQ}/{YY}', resetPeriod: 'yearly' }).repeatsYearly).toBe(false);
  });

  it('chooses the check algorithm', () => {
    expect(compileReferenceFormat({ pattern: '{SEQ}/{YY}', checkCharacter: true }).checkAlgorithm).toBe('damm');
    expect(compileReferenceFormat({ pattern: '{SEQ}/{DD}{MON}', resetPeriod: 'daily', checkCharacter: true }).checkAlgorithm).toBe(
      'iso7064-mod37-36',
    );
    expect(compileReferenceFormat({ pattern: '{FORCE}{SEQ}/{YY}', forceCode: 'KE', checkCharacter: true }).checkAlgorithm).toBe(
      'iso7064-mod37-36',
    );
  });
});

import { computeCheckCharacter, type CheckAlgorithm } from './checkCharacter';
import { RESET_PERIODS, daysInMonth, londonDate, periodKey, type LondonDate, type ResetPeriod } from './london';
import { MAX_SEQUENCE_WIDTH, ReferencePatternError, parseReferencePattern, type ParsedPattern, type PatternTokenName } from './pattern';

/** Everything that decides how a force's references look and count. */
export interface ReferenceFormat {
  pattern: string;
  /** Replaces `{FORCE}`; letters and digits only. Required when the pattern has `{FORCE}`. */
  forceCode?: string;
  /** Zero-padded width of `{SEQ}`; `{SEQ:n}` in the pattern overrides it. Default 5. */
  sequenceWidth?: number;
  /** Default `yearly`. */
  resetPeriod?: ResetPeriod;
  /** Adds a check character: at `{CHECK}`, or at the end when the pattern has no `{CHECK}`. */
  checkCharacter?: boolean;
}

export interface CompiledReferenceFormat {
  pattern: string;
  forceCode: string;
  sequenceWidth: number;
  resetPeriod: ResetPeriod;
  checkAlgorithm: CheckAlgorithm | null;
  /**
   * True when the pattern resets monthly or daily but shows no year, as Met CAD numbers do:
   * the same text then comes back a year later, so allocation counts uniqueness per year.
   */
  repeatsYearly: boolean;
  parsed: ParsedPattern;
}

export interface ReferenceParts {
  forceCode?: string;
  year?: number;
  month?: number;
  day?: number;
  sequence: number;
  checkCharacter?: string;
}

export interface ReferenceValidation {
  valid: boolean;
  /** Reason the text is not a valid reference; absent when valid. */
  reason?: string;
  /** The values read from the text, present whenever it matched the pattern's shape. */
  parts?: ReferenceParts;
}

export class ReferenceSequenceExhaustedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceSequenceExhaustedError';
  }
}

/** Maximum length of a rendered reference, because Athena's contract stores a force reference of at most 100 characters. */
export const MAX_REFERENCE_LENGTH = 100;

/** Returns the length of every reference a format renders, because each token has a fixed width. */
function renderedLength(parsed: ParsedPattern, forceCode: string, sequenceWidth: number): number {
  const widths: Record<PatternTokenName, number> = { FORCE: forceCode.length, YYYY: 4, YY: 2, MM: 2, MON: 3, DD: 2, SEQ: sequenceWidth, CHECK: 1 };
  let total = 0;
  for (const part of parsed.parts) {
    if (part.kind === 'literal') total += part.text.length;
    else total += part.name === 'SEQ' && part.width ? part.width : widths[part.name];
  }
  return total;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DEFAULT_SEQUENCE_WIDTH = 5;

function hasToken(parsed: ParsedPattern, name: PatternTokenName): boolean {
  return parsed.parts.some((part) => part.kind === 'token' && part.name === name);
}

/**
 * Checks a format and resolves its defaults. Throws ReferencePatternError naming the bad token or
 * setting, including a reset period the pattern cannot show: a yearly reset without a year token
 * (or monthly without a month, daily without a day and month) would repeat references.
 */
export function compileReferenceFormat(format: ReferenceFormat): CompiledReferenceFormat {
  const parsed = parseReferencePattern(format.pattern);
  const resetPeriod = format.resetPeriod ?? 'yearly';
  if (!RESET_PERIODS.includes(resetPeriod)) {
    throw new ReferencePatternError(`Reset period "${String(resetPeriod)}" is invalid; use ${RESET_PERIODS.join(', ')}`);
  }

  const sequenceWidth = format.sequenceWidth ?? DEFAULT_SEQUENCE_WIDTH;
  if (!Number.isInteger(sequenceWidth) || sequenceWidth < 1 || sequenceWidth > MAX_SEQUENCE_WIDTH) {
    throw new ReferencePatternError(`Sequence width ${String(sequenceWidth)} is invalid; use a whole number from 1 to ${MAX_SEQUENCE_WIDTH}`);
  }

  const forceCode = (format.forceCode ?? '').trim();
  if (hasToken(parsed, 'FORCE') && !/^[A-Za-z0-9]+$/.test(forceCode)) {
    throw new ReferencePatternError(
      `Force code "${forceCode}" is invalid for {FORCE}; use letters and digits only, such as 46`,
      '{FORCE}',
    );
  }

  const hasYear = hasToken(parsed, 'YYYY') || hasToken(parsed, 'YY');
  const hasMonth = hasToken(parsed, 'MM') || hasToken(parsed, 'MON');
  const hasDay = hasToken(parsed, 'DD');
  if (resetPeriod === 'yearly' && !hasYear) {
    throw new ReferencePatternError(`Pattern "${format.pattern}" resets yearly but has no {YYYY} or {YY}, so references would repeat each year`, '{SEQ}');
  }
  if (resetPeriod === 'monthly' && !hasMonth) {
    throw new ReferencePatternError(`Pattern "${format.pattern}" resets monthly but has no {MM} or {MON}, so references would repeat each month`, '{SEQ}');
  }
  if (resetPeriod === 'daily' && !(hasDay && hasMonth)) {
    throw new ReferencePatternError(`Pattern "${format.pattern}" resets daily but lacks {DD} and a month token, so references would repeat each day`, '{SEQ}');
  }

  if (hasToken(parsed, 'CHECK') && !format.checkCharacter) {
    throw new ReferencePatternError(`Pattern "${format.pattern}" has {CHECK} but the check character is switched off; switch it on or remove {CHECK}`, '{CHECK}');
  }
  if (format.checkCharacter && !hasToken(parsed, 'CHECK')) {
    parsed.parts.push({ kind: 'token', name: 'CHECK', text: '{CHECK}', position: format.pattern.length });
  }

  const length = renderedLength(parsed, forceCode, sequenceWidth);
  if (length > MAX_REFERENCE_LENGTH) {
    throw new ReferencePatternError(
      `Pattern "${format.pattern}" makes references of ${length} characters; the limit is ${MAX_REFERENCE_LENGTH}, because Athena stores at most that many. Shorten the literal text`,
    );
  }

  const lettersInChecked = hasToken(parsed, 'MON') || /[A-Za-z]/.test(hasToken(parsed, 'FORCE') ? forceCode : '');
  let checkAlgorithm: CheckAlgorithm | null = null;
  if (format.checkCharacter) checkAlgorithm = lettersInChecked ? 'iso7064-mod37-36' : 'damm';

  return {
    pattern: format.pattern,
    forceCode,
    sequenceWidth,
    resetPeriod,
    checkAlgorithm,
    repeatsYearly: !hasYear && (resetPeriod === 'monthly' || resetPeriod === 'daily'),
    parsed,
  };
}

function sequenceWidthOf(format: CompiledReferenceFormat, width?: number): number {
  return width ?? format.sequenceWidth;
}

function tokenValue(format: CompiledReferenceFormat, name: PatternTokenName, date: LondonDate, sequence: number, width?: number): string {
  switch (name) {
    case 'FORCE':
      return format.forceCode;
    case 'YYYY':
      return String(date.year).padStart(4, '0');
    case 'YY':
      return String(date.year % 100).padStart(2, '0');
    case 'MM':
      return String(date.month).padStart(2, '0');
    case 'MON':
      return MONTH_NAMES[date.month - 1];
    case 'DD':
      return String(date.day).padStart(2, '0');
    case 'SEQ':
      return String(sequence).padStart(sequenceWidthOf(format, width), '0');
    case 'CHECK':
      return '';
  }
}

/**
 * Renders the reference for `sequence` on the London calendar `date`. Throws
 * ReferenceSequenceExhaustedError when the sequence no longer fits the width, because a longer
 * number would break fixed-width formats.
 */
export function renderReference(format: CompiledReferenceFormat, date: LondonDate, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`Sequence ${sequence} is invalid; sequences start at 1`);

  const values: string[] = [];
  for (const part of format.parsed.parts) {
    if (part.kind === 'literal' || part.name === 'CHECK') {
      values.push('');
      continue;
    }
    if (part.name === 'SEQ' && String(sequence).length > sequenceWidthOf(format, part.width)) {
      throw new ReferenceSequenceExhaustedError(
        `Sequence ${sequence} does not fit ${sequenceWidthOf(format, part.width)} digits in pattern "${format.pattern}"; widen the sequence or reset it more often`,
      );
    }
    values.push(tokenValue(format, part.name, date, sequence, part.width));
  }

  // The check character covers every token value in pattern order, wherever {CHECK} sits.
  const checked = values.join('');
  let text = '';
  format.parsed.parts.forEach((part, index) => {
    if (part.kind === 'literal') text += part.text;
    else if (part.name === 'CHECK') text += computeCheckCharacter(format.checkAlgorithm ?? 'damm', checked);
    else text += values[index];
  });
  return text;
}

/**
 * Returns the scope a format's sequence counts in: the force code and the pattern, plus the year
 * for a pattern that repeats yearly, so its counter and uniqueness restart each year.
 */
// NOTE: for a pattern that repeats yearly, a submission allocated again with a date in another
// year lands in another scope and gets a second reference; the default date (the submission
// time) does not change between runs.
export function referenceScope(format: CompiledReferenceFormat, date: LondonDate): string {
  const base = `${format.forceCode}|${format.pattern}`;
  return format.repeatsYearly ? `${base}|${date.year}` : base;
}

/** Raised for an allocation time whose year the pattern cannot show without repeating references. */
export class ReferenceDateError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceDateError';
  }
}

/**
 * Returns the years a format can allocate in. `{YY}` shows 1999 and 2099 both as 99, with
 * separate sequences, so it is held to 2000 to 2099, the years validateReference reads it as.
 * Other formats are held to four-digit years, the width of `{YYYY}`.
 */
export function allocationYears(format: CompiledReferenceFormat): { min: number; max: number } {
  return hasToken(format.parsed, 'YY') ? { min: 2000, max: 2099 } : { min: 1000, max: 9999 };
}

/**
 * Returns the scope, period key and London date an allocation at `instant` uses. Throws
 * ReferenceDateError when the London year is outside `allocationYears(format)`.
 */
export function allocationKeys(format: CompiledReferenceFormat, instant: Date): { scope: string; periodKey: string; date: LondonDate } {
  const date = londonDate(instant);
  const years = allocationYears(format);
  if (!(date.year >= years.min && date.year <= years.max)) {
    throw new ReferenceDateError(
      `${instant.toISOString()} is in the year ${date.year}, but pattern "${format.pattern}" can only allocate references from ${years.min} to ${years.max} without repeating them`,
    );
  }
  return { scope: referenceScope(format, date), periodKey: periodKey(format.resetPeriod, date), date };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tokenRegExp(format: CompiledReferenceFormat, name: PatternTokenName, width?: number): string {
  switch (name) {
    case 'FORCE':
      return `(${escapeRegExp(format.forceCode)})`;
    case 'YYYY':
      return '([0-9]{4})';
    case 'YY':
    case 'MM':
    case 'DD':
      return '([0-9]{2})';
    case 'MON':
      return `(${MONTH_NAMES.join('|')})`;
    case 'SEQ':
      return `([0-9]{${sequenceWidthOf(format, width)}})`;
    case 'CHECK':
      return format.checkAlgorithm === 'damm' ? '([0-9])' : '([0-9A-Z])';
  }
}

/** Cuts text quoted in a reason to 60 characters, so a pasted document does not fill the result. */
function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Checks whether `text` is a reference in this format: its shape, a real calendar date, a
 * sequence of at least 1 and a correct check character. Surrounding spaces are ignored and
 * letters match in any case, because people read references back in any case.
 */
export function validateReference(pattern: string | ReferenceFormat | CompiledReferenceFormat, text: string, options: Omit<ReferenceFormat, 'pattern'> = {}): ReferenceValidation {
  const format: CompiledReferenceFormat =
    typeof pattern === 'string'
      ? compileReferenceFormat({ ...options, pattern })
      : 'parsed' in pattern
        ? pattern
        : compileReferenceFormat(pattern);
  if (typeof text !== 'string') return { valid: false, reason: `The reference is ${text === undefined || text === null ? 'empty' : `a ${typeof text}, not text`}` };
  if (text.trim() === '') return { valid: false, reason: 'The reference is empty' };

  const tokens = format.parsed.parts.filter((part) => part.kind === 'token');
  const source = format.parsed.parts
    .map((part) => (part.kind === 'literal' ? escapeRegExp(part.text) : tokenRegExp(format, part.name, part.width)))
    .join('');
  const match = new RegExp(`^${source}$`, 'i').exec(text.trim());
  if (!match) return { valid: false, reason: `"${shorten(text.trim())}" does not have the shape of pattern "${format.pattern}"` };

  const parts: ReferenceParts = { sequence: 0 };
  let checked = '';
  let givenCheck: string | undefined;
  tokens.forEach((token, index) => {
    const value = match[index + 1];
    if (token.name === 'CHECK') {
      givenCheck = value.toUpperCase();
      return;
    }
    checked += token.name === 'MON' ? MONTH_NAMES.find((name) => name.toLowerCase() === value.toLowerCase())! : value;
    if (token.name === 'FORCE') parts.forceCode = value;
    if (token.name === 'YYYY') parts.year = Number(value);
    if (token.name === 'YY') parts.year = 2000 + Number(value);
    if (token.name === 'MM') parts.month = Number(value);
    if (token.name === 'MON') parts.month = MONTH_NAMES.findIndex((name) => name.toLowerCase() === value.toLowerCase()) + 1;
    if (token.name === 'DD') parts.day = Number(value);
    if (token.name === 'SEQ') parts.sequence = Number(value);
  });
  if (givenCheck !== undefined) parts.checkCharacter = givenCheck;

  if (parts.sequence < 1) return { valid: false, reason: 'The sequence number is 0; sequences start at 1', parts };
  if (parts.month !== undefined && (parts.month < 1 || parts.month > 12)) {
    return { valid: false, reason: `Month ${parts.month} is not a calendar month`, parts };
  }
  if (parts.day !== undefined) {
    // Without a year in the reference, 29 February must be allowed.
    const maxDay = parts.month === undefined ? 31 : daysInMonth(parts.year ?? 2024, parts.month);
    if (parts.day < 1 || parts.day > maxDay) return { valid: false, reason: `Day ${parts.day} is not a date in that month`, parts };
  }
  if (givenCheck !== undefined) {
    const expected = computeCheckCharacter(format.checkAlgorithm ?? 'damm', checked.toUpperCase());
    if (expected !== givenCheck) {
      return { valid: false, reason: 'The check character does not match; a character was probably misread or two were swapped', parts };
    }
  }
  return { valid: true, parts };
}

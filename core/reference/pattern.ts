/**
 * Reference patterns: literal text with tokens in braces, for example `{FORCE}/{SEQ:5}/{YY}`
 * for a crime number such as `46/12345/25`.
 */

export const PATTERN_TOKENS = ['FORCE', 'YYYY', 'YY', 'MM', 'MON', 'DD', 'SEQ', 'CHECK'] as const;

export type PatternTokenName = (typeof PATTERN_TOKENS)[number];

export type PatternPart =
  | { kind: 'literal'; text: string }
  | { kind: 'token'; name: PatternTokenName; text: string; position: number; width?: number };

export interface ParsedPattern {
  pattern: string;
  parts: PatternPart[];
}

/** One line of help listing every token, for error messages and the node's hint. */
export const PATTERN_TOKEN_HELP =
  '{FORCE} force code, {YYYY} or {YY} year, {MM} month number, {MON} month name (Jan…Dec), {DD} day, {SEQ} or {SEQ:n} zero-padded sequence, {CHECK} check character';

export const MAX_SEQUENCE_WIDTH = 15;

/** An invalid pattern; `token` is the offending text and `position` its index in the pattern. */
/** Control, zero-width and bidirectional formatting characters, which a person reading a reference cannot see. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export class ReferencePatternError extends Error {
  constructor(
    message: string,
    readonly token?: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ReferencePatternError';
  }
}

/**
 * Parses a pattern into literal and token parts. Throws ReferencePatternError naming the bad
 * token: unknown names, unclosed braces, a `{SEQ:n}` width outside 1 to 15, repeated tokens, or a
 * pattern without exactly one `{SEQ}`.
 */
export function parseReferencePattern(pattern: string): ParsedPattern {
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new ReferencePatternError(`Reference pattern is empty; use tokens such as ${PATTERN_TOKEN_HELP}`);
  }

  const parts: PatternPart[] = [];
  const seen = new Set<PatternTokenName>();
  let literal = '';
  let index = 0;

  while (index < pattern.length) {
    const char = pattern[index];
    if (char === '}') {
      throw new ReferencePatternError(`Reference pattern has a "}" without "{" at position ${index + 1}`, '}', index);
    }
    if (char !== '{') {
      if (UNPRINTABLE.test(char)) {
        throw new ReferencePatternError(
          `Reference pattern has an invisible control character (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at position ${index + 1}; references are read back by people, so remove it`,
          char,
          index,
        );
      }
      literal += char;
      index++;
      continue;
    }

    const close = pattern.indexOf('}', index);
    if (close === -1) {
      const rest = pattern.slice(index);
      throw new ReferencePatternError(`Reference pattern token "${rest}" at position ${index + 1} is not closed with "}"`, rest, index);
    }
    const text = pattern.slice(index, close + 1);
    const part = parseToken(text, index);
    if (seen.has(part.name)) {
      throw new ReferencePatternError(`Reference pattern token ${text} at position ${index + 1} appears twice; use each token once`, text, index);
    }
    seen.add(part.name);

    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
    parts.push(part);
    index = close + 1;
  }
  if (literal) parts.push({ kind: 'literal', text: literal });

  if (!seen.has('SEQ')) {
    throw new ReferencePatternError(`Reference pattern "${pattern}" has no {SEQ} token; every reference needs a sequence number`, '{SEQ}');
  }
  if (seen.has('YYYY') && seen.has('YY')) {
    throw new ReferencePatternError(`Reference pattern "${pattern}" has both {YYYY} and {YY}; use one year token`, '{YY}');
  }
  if (seen.has('MM') && seen.has('MON')) {
    throw new ReferencePatternError(`Reference pattern "${pattern}" has both {MM} and {MON}; use one month token`, '{MON}');
  }
  return { pattern, parts };
}

function parseToken(text: string, position: number): Extract<PatternPart, { kind: 'token' }> {
  const match = /^\{([A-Za-z]+)(?::([^}]*))?\}$/.exec(text);
  const name = match?.[1]?.toUpperCase();
  if (!match || !name || !(PATTERN_TOKENS as readonly string[]).includes(name)) {
    throw new ReferencePatternError(
      `Reference pattern token ${text} at position ${position + 1} is unknown; use ${PATTERN_TOKEN_HELP}`,
      text,
      position,
    );
  }

  const argument = match[2];
  if (argument === undefined) return { kind: 'token', name: name as PatternTokenName, text, position };
  if (name !== 'SEQ') {
    throw new ReferencePatternError(`Reference pattern token ${text} at position ${position + 1} takes no ":" option; only {SEQ:n} does`, text, position);
  }
  const width = Number(argument);
  if (!/^[0-9]+$/.test(argument) || width < 1 || width > MAX_SEQUENCE_WIDTH) {
    throw new ReferencePatternError(
      `Reference pattern token ${text} at position ${position + 1} has an invalid width; use {SEQ:n} with n from 1 to ${MAX_SEQUENCE_WIDTH}`,
      text,
      position,
    );
  }
  return { kind: 'token', name: 'SEQ', text, position, width };
}

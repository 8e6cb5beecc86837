/**
 * Placeholder and non-identifying values that must never count towards the Minimum POLE Data
 * Standards and never become a name on a person record ("unknown", "n/a", "XX", "male", an
 * incident reference, …). The lists are data so a force can extend them without code changes.
 */

/** Reason a value was rejected. */
export type PlaceholderKind =
  | 'empty'
  | 'punctuation-only'
  | 'placeholder'
  | 'non-identifying-word'
  | 'repeated-letter'
  | 'reference-like'
  | 'initial-only';

/** Placeholder lists. Build a new object to change them: each object is normalised once and cached. */
export interface PlaceholderRules {
  /** Whole values, compared after `normaliseForComparison` with spaces removed (`"N/K"` → `nk`). */
  placeholderValues: string[];
  /**
   * Words that describe what someone is rather than who ("male", "youth", "suspect"). A value made
   * only of these words and of `placeholderValues` words is rejected, e.g. "Unknown Male".
   */
  nonIdentifyingWords: string[];
}

export const DEFAULT_PLACEHOLDER_RULES: PlaceholderRules = {
  placeholderValues: [
    'unknown', 'unkown', 'unknwn', 'unk', 'unkn', 'u k', 'uk',
    'not known', 'nk', 'n k', 'notknown',
    'dont know', 'do not know', 'dunno', 'idk', 'no idea',
    'na', 'n a', 'not applicable', 'not available', 'nil', 'none', 'nothing', 'null', 'undefined', 'nan',
    'no name', 'noname', 'no name given', 'no email', 'noemail', 'no phone', 'no number', 'not given', 'not stated', 'not provided', 'not specified',
    'withheld', 'refused', 'prefer not to say', 'not disclosed',
    'tbc', 'tba', 'tbd', 'test', 'testing', 'asdf', 'qwerty', 'blank', 'empty', 'other', 'various',
    'x', 'xx', 'xxx', 'zz', 'zzz',
  ],
  nonIdentifyingWords: [
    'unknown', 'unidentified', 'anonymous', 'anon', 'not', 'known', 'no', 'name', 'none', 'a', 'an', 'the',
    'male', 'female', 'man', 'woman', 'men', 'women', 'boy', 'girl', 'boys', 'girls', 'lad', 'lady',
    'gent', 'gentleman', 'bloke', 'youth', 'youths', 'teenager', 'teen', 'kid', 'child', 'adult',
    'person', 'people', 'someone', 'somebody', 'individual', 'suspect', 'offender', 'victim', 'witness',
    'driver', 'rider', 'cyclist', 'neighbour', 'stranger', 'customer', 'mr', 'mrs', 'ms', 'miss', 'mx',
  ],
};

/**
 * Lower-case, remove diacritics (so Welsh "Siân" and "Sian" compare equal), turn punctuation into
 * spaces and collapse whitespace. Apostrophes are dropped instead, so "don't" becomes "dont".
 */
export function normaliseForComparison(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Incident references, crime numbers and receipt codes seen in the field: `46/12345/25`,
 * `TYA-1-23-0100-000`, `2089/21Nov`, `NFRC2301000001`, `CAD 1234`. Any digit inside a name is
 * treated the same way, because no real given name or surname contains one.
 */
const REFERENCE_PATTERNS: RegExp[] = [/\d/, /^(cad|crn|crime|ref|reference|incident|occ|urn)\b/i];

interface CompiledRules {
  /** Whole placeholder values, normalised and without spaces. */
  placeholderSet: Set<string>;
  /** Single words that are placeholders or non-identifying. */
  wordSet: Set<string>;
}

// Normalised once per rules object, because the same rules are checked for every field of every person.
const compiledRules = new WeakMap<PlaceholderRules, CompiledRules>();

function compileRules(rules: PlaceholderRules): CompiledRules {
  let compiled = compiledRules.get(rules);
  if (!compiled) {
    const placeholders = rules.placeholderValues.map((entry) => normaliseForComparison(entry));
    compiled = {
      placeholderSet: new Set(placeholders.map((entry) => entry.replace(/ /g, ''))),
      wordSet: new Set([...rules.nonIdentifyingWords.map((entry) => normaliseForComparison(entry)), ...placeholders.filter((entry) => !entry.includes(' '))]),
    };
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

export interface PlaceholderCheck {
  rejected: boolean;
  kind?: PlaceholderKind;
}

export type ValueContext = 'name' | 'description';

/**
 * Decide whether a value is a placeholder. Values made only of non-identifying words ("male",
 * "unknown youth") are rejected in both contexts, because "male" is neither a name nor a build.
 * Digits and single letters are rejected only in a `name` context, so "6ft 1" stays a height.
 */
export function checkPlaceholder(
  value: string | undefined | null,
  context: ValueContext,
  rules: PlaceholderRules = DEFAULT_PLACEHOLDER_RULES,
): PlaceholderCheck {
  if (value === undefined || value === null || value.trim() === '') return { rejected: true, kind: 'empty' };

  const normalised = normaliseForComparison(value);
  if (normalised === '') return { rejected: true, kind: 'punctuation-only' };

  const compact = normalised.replace(/ /g, '');
  const { placeholderSet, wordSet } = compileRules(rules);
  if (placeholderSet.has(compact)) return { rejected: true, kind: 'placeholder' };
  if (/^([a-z])\1+$/.test(compact) && compact.length >= 2) return { rejected: true, kind: 'repeated-letter' };

  const words = normalised.split(' ');
  const allPlaceholderWords = words.every((word) => wordSet.has(word));

  if (allPlaceholderWords) return { rejected: true, kind: 'non-identifying-word' };
  if (context === 'description') return { rejected: false };

  if (REFERENCE_PATTERNS.some((pattern) => pattern.test(value.trim()))) return { rejected: true, kind: 'reference-like' };
  if (compact.length === 1) return { rejected: true, kind: 'initial-only' };
  return { rejected: false };
}

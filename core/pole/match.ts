/**
 * Match before create: decide whether a person in a submission is a nominal the records
 * management system already holds. Deterministic keys are tried first. When none settles it,
 * a weighted score puts the pair into one of three bands (link, review by a person, or create).
 */
import type { ContactPerson } from '../contact/types';
import { checkPlaceholder, normaliseForComparison } from './placeholders';
import { toE164 } from './phone';

/** A nominal as returned by a search, with the attributes the comparison needs. */
export interface NominalCandidate {
  id: string;
  givenName?: string;
  familyName?: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth?: string;
  age?: number;
  /** SDM gender code, e.g. `GNDR_0001`. */
  gender?: string;
  emails: string[];
  /** E.164. Other forms are normalised before comparison. */
  phones: string[];
  homePostcode?: string;
  policeIdentifiers: Record<string, string>;
}

export type MatchOutcome = 'link' | 'create' | 'review';

/** Points added (positive) or taken away (negative) for each comparison. */
export interface MatchWeights {
  familyNameSame: number;
  familyNameSimilar: number;
  familyNameDifferent: number;
  givenNameSame: number;
  givenNameSimilar: number;
  givenNameDifferent: number;
  dateOfBirthSame: number;
  dateOfBirthNear: number;
  dateOfBirthDifferent: number;
  ageConsistent: number;
  ageInconsistent: number;
  genderSame: number;
  genderDifferent: number;
  postcodeSame: number;
  emailSame: number;
  phoneSame: number;
  policeIdentifierConflict: number;
}

export interface MatchOptions {
  weights?: Partial<MatchWeights>;
  /** A score at or above this links to the candidate. */
  linkThreshold?: number;
  /** A score at or above this, but below `linkThreshold`, goes to a person for review. */
  reviewThreshold?: number;
  /** Reference date for age comparisons, `YYYY-MM-DD`; defaults to today (UTC). */
  today?: string;
}

/**
 * Starting weights and thresholds, configurable. With them a full name plus date of birth
 * links, and a full name with age and postcode but no date of birth goes to review. A name with
 * a conflicting date of birth creates a new nominal. They are not
 * calibrated against any force's data: tune them on a sample of real decisions before relying
 * on them.
 */
export const DEFAULT_MATCH_WEIGHTS: MatchWeights = {
  familyNameSame: 30,
  familyNameSimilar: 18,
  familyNameDifferent: -25,
  givenNameSame: 20,
  givenNameSimilar: 10,
  givenNameDifferent: -15,
  dateOfBirthSame: 35,
  dateOfBirthNear: 10,
  dateOfBirthDifferent: -40,
  ageConsistent: 5,
  ageInconsistent: -20,
  genderSame: 5,
  genderDifferent: -10,
  postcodeSame: 10,
  emailSame: 25,
  phoneSame: 20,
  policeIdentifierConflict: -100,
};
export const DEFAULT_LINK_THRESHOLD = 80;
export const DEFAULT_REVIEW_THRESHOLD = 45;

export type DeterministicKey = 'policeIdentifier' | 'email' | 'phone' | 'name+dateOfBirth';

export interface CandidateScore {
  candidateId: string;
  score: number;
  deterministicKeys: DeterministicKey[];
  /** Contradictions that stop a deterministic key from linking on its own. */
  conflicts: string[];
  reasons: string[];
  /** True when something other than gender and age agrees (a name, date of birth, contact detail or identifier). */
  identifyingAgreement: boolean;
}

export interface MatchResult {
  outcome: MatchOutcome;
  /** The candidate to link to (`link`) or to show the reviewer (`review`). */
  matchedId?: string;
  score: number;
  /** Sentences about comparisons, never the compared values. */
  reasons: string[];
  candidates: CandidateScore[];
}

/** Compare a person with the candidates a search returned. */
export function matchNominal(person: ContactPerson, candidates: NominalCandidate[], options: MatchOptions = {}): MatchResult {
  const weights = { ...DEFAULT_MATCH_WEIGHTS, ...options.weights };
  const linkThreshold = options.linkThreshold ?? DEFAULT_LINK_THRESHOLD;
  const reviewThreshold = options.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
  if (reviewThreshold > linkThreshold) {
    throw new Error(`Match review threshold ${reviewThreshold} is above the link threshold ${linkThreshold}; set it lower or equal.`);
  }

  const profile = toProfile(person);
  const scores = candidates.map((candidate) => scoreCandidate(profile, toCandidateProfile(candidate), weights, options.today));

  if (scores.length === 0) return { outcome: 'create', score: 0, reasons: ['No candidate nominal was found by the search.'], candidates: [] };

  const deterministic = scores.filter((entry) => entry.deterministicKeys.length > 0 && entry.conflicts.length === 0);
  if (deterministic.length > 1) {
    return {
      outcome: 'review',
      matchedId: deterministic[0].candidateId,
      score: deterministic[0].score,
      reasons: [`${deterministic.length} existing nominals share a deterministic key with this person, so the records system may already hold a duplicate.`],
      candidates: scores,
    };
  }
  if (deterministic.length === 1) {
    const hit = deterministic[0];
    return {
      outcome: 'link',
      matchedId: hit.candidateId,
      score: Math.max(hit.score, linkThreshold),
      reasons: [`Deterministic key matched (${hit.deterministicKeys.join(', ')}) with nothing contradicting it.`, ...hit.reasons],
      candidates: scores,
    };
  }

  const ranked = [...scores].sort((a, b) => b.score - a.score);
  const best = ranked[0];

  if (!best.identifyingAgreement) {
    return {
      outcome: 'create',
      score: best.score,
      reasons: ['No candidate agrees on a name, date of birth, contact detail or identifier; gender and age alone never identify a person.', ...best.reasons],
      candidates: scores,
    };
  }
  const linkable = ranked.filter((entry) => entry.score >= linkThreshold && entry.identifyingAgreement);
  if (linkable.length > 1) {
    return {
      outcome: 'review',
      matchedId: best.candidateId,
      score: best.score,
      reasons: [`${linkable.length} candidates score at or above the link threshold ${linkThreshold}; a person must choose.`, ...best.reasons],
      candidates: scores,
    };
  }
  if (best.score >= linkThreshold) {
    return { outcome: 'link', matchedId: best.candidateId, score: best.score, reasons: [`Score ${best.score} is at or above the link threshold ${linkThreshold}.`, ...best.reasons], candidates: scores };
  }
  if (best.score >= reviewThreshold) {
    return {
      outcome: 'review',
      matchedId: best.candidateId,
      score: best.score,
      reasons: [`Score ${best.score} is in the review band (${reviewThreshold} to ${linkThreshold - 1}).`, ...best.reasons],
      candidates: scores,
    };
  }
  return { outcome: 'create', score: best.score, reasons: [`Best score ${best.score} is below the review threshold ${reviewThreshold}.`, ...best.reasons], candidates: scores };
}

interface MatchProfile {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  age?: number;
  gender?: string;
  emails: Set<string>;
  phones: Set<string>;
  postcode?: string;
  policeIdentifiers: Map<string, string>;
}

/** Names compared without case, diacritics, spaces, hyphens or apostrophes: "Siân Ap-Rhys" equals "sian ap rhys". */
export function normaliseName(value: string | undefined): string | undefined {
  if (value === undefined || checkPlaceholder(value, 'name').rejected) return undefined;
  const compact = normaliseForComparison(value).replace(/ /g, '');
  return compact === '' ? undefined : compact;
}

function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

function normalisePostcode(value: string | undefined): string | undefined {
  const compact = value?.toUpperCase().replace(/\s+/g, '');
  return compact ? compact : undefined;
}

/** Police identifiers compared by lower-case type and upper-case value without spaces or slashes. */
function normaliseIdentifiers(identifiers: Record<string, string> | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const [type, value] of Object.entries(identifiers ?? {})) {
    const normalised = String(value).toUpperCase().replace(/[\s/]+/g, '');
    if (normalised !== '') map.set(type.toLowerCase(), normalised);
  }
  return map;
}

function firstGivenName(value: string | undefined): string | undefined {
  const first = value?.trim().split(/\s+/)[0];
  return normaliseName(first);
}

function toProfile(person: ContactPerson): MatchProfile {
  return {
    givenName: firstGivenName(person.givenName),
    familyName: normaliseName(person.familyName),
    dateOfBirth: person.dateOfBirth,
    age: person.age,
    gender: person.gender?.code,
    emails: new Set((person.emails ?? []).map(normaliseEmail).filter((email) => email.includes('@'))),
    phones: new Set((person.phones ?? []).map((phone) => toE164(phone)).filter((phone): phone is string => phone !== undefined)),
    postcode: normalisePostcode(person.homeAddress?.postcode),
    policeIdentifiers: normaliseIdentifiers(person.policeIdentifiers),
  };
}

function toCandidateProfile(candidate: NominalCandidate): MatchProfile & { id: string } {
  return {
    id: candidate.id,
    givenName: firstGivenName(candidate.givenName),
    familyName: normaliseName(candidate.familyName),
    dateOfBirth: candidate.dateOfBirth,
    age: candidate.age,
    gender: candidate.gender,
    emails: new Set((candidate.emails ?? []).map(normaliseEmail)),
    phones: new Set((candidate.phones ?? []).map((phone) => toE164(phone) ?? phone)),
    postcode: normalisePostcode(candidate.homePostcode),
    policeIdentifiers: normaliseIdentifiers(candidate.policeIdentifiers),
  };
}

type Comparison = 'same' | 'similar' | 'different' | 'absent';

function compareNames(a: string | undefined, b: string | undefined): Comparison {
  if (a === undefined || b === undefined) return 'absent';
  if (a === b) return 'same';
  // One typing slip in a name of five or more letters, e.g. "Pritchard" and "Prichard".
  if (Math.min(a.length, b.length) >= 5 && levenshtein(a, b) <= 1) return 'similar';
  return 'different';
}

function compareDates(a: string | undefined, b: string | undefined): Comparison {
  if (a === undefined || b === undefined) return 'absent';
  if (a === b) return 'same';
  const [ay, am, ad] = a.split('-');
  const [by, bm, bd] = b.split('-');
  // Day and month swapped (US order) or one digit mistyped.
  if (ay === by && am === bd && ad === bm) return 'similar';
  if (a.length === b.length && [...a].filter((char, index) => char !== b[index]).length === 1) return 'similar';
  return 'different';
}

function ageOn(dateOfBirth: string, today: string): number {
  const [year, month, day] = dateOfBirth.split('-').map(Number);
  const [thisYear, thisMonth, thisDay] = today.split('-').map(Number);
  const hadBirthday = thisMonth > month || (thisMonth === month && thisDay >= day);
  return thisYear - year - (hadBirthday ? 0 : 1);
}

function compareAges(a: MatchProfile, b: MatchProfile, today: string): Comparison {
  const ageA = a.age ?? (a.dateOfBirth ? ageOn(a.dateOfBirth, today) : undefined);
  const ageB = b.age ?? (b.dateOfBirth ? ageOn(b.dateOfBirth, today) : undefined);
  if (ageA === undefined || ageB === undefined || Number.isNaN(ageA) || Number.isNaN(ageB)) return 'absent';
  // Ages are given in whole years at different times, so one year either way is consistent.
  return Math.abs(ageA - ageB) <= 1 ? 'same' : 'different';
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const value of a) if (b.has(value)) return true;
  return false;
}

function scoreCandidate(person: MatchProfile, candidate: MatchProfile & { id: string }, weights: MatchWeights, today?: string): CandidateScore {
  const reasons: string[] = [];
  const conflicts: string[] = [];
  const keys: DeterministicKey[] = [];
  let score = 0;
  let identifying = false;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(`${reason} (${points >= 0 ? '+' : ''}${points})`);
  };

  for (const [type, value] of person.policeIdentifiers) {
    const other = candidate.policeIdentifiers.get(type);
    if (other === undefined) continue;
    if (other === value) {
      keys.push('policeIdentifier');
      identifying = true;
      reasons.push(`police identifier ${type} is the same`);
    } else {
      conflicts.push(`police identifier ${type} differs`);
      add(weights.policeIdentifierConflict, `police identifier ${type} differs`);
    }
  }

  const emailSame = intersects(person.emails, candidate.emails);
  if (emailSame) {
    keys.push('email');
    identifying = true;
    add(weights.emailSame, 'an email address is the same');
  }
  const phoneSame = intersects(person.phones, candidate.phones);
  if (phoneSame) {
    keys.push('phone');
    identifying = true;
    add(weights.phoneSame, 'a phone number (E.164) is the same');
  }

  const family = compareNames(person.familyName, candidate.familyName);
  if (family === 'same') add(weights.familyNameSame, 'family name is the same');
  if (family === 'similar') add(weights.familyNameSimilar, 'family name differs by one letter');
  if (family === 'different') add(weights.familyNameDifferent, 'family name differs');
  if (family === 'same' || family === 'similar') identifying = true;

  const given = compareNames(person.givenName, candidate.givenName);
  if (given === 'same') add(weights.givenNameSame, 'given name is the same');
  if (given === 'similar') add(weights.givenNameSimilar, 'given name differs by one letter');
  if (given === 'different') add(weights.givenNameDifferent, 'given name differs');

  const birth = compareDates(person.dateOfBirth, candidate.dateOfBirth);
  if (birth === 'same') {
    add(weights.dateOfBirthSame, 'date of birth is the same');
    identifying = true;
  }
  if (birth === 'similar') add(weights.dateOfBirthNear, 'date of birth differs by one digit or by day and month swapped');
  if (birth === 'different') add(weights.dateOfBirthDifferent, 'date of birth differs');

  if (birth === 'absent') {
    const age = compareAges(person, candidate, today ?? new Date().toISOString().slice(0, 10));
    if (age === 'same') add(weights.ageConsistent, 'age is consistent');
    if (age === 'different') add(weights.ageInconsistent, 'age is inconsistent');
  }

  if (person.gender && candidate.gender) {
    if (person.gender === candidate.gender) add(weights.genderSame, 'gender is the same');
    else add(weights.genderDifferent, 'gender differs');
  }
  if (person.postcode && candidate.postcode && person.postcode === candidate.postcode) add(weights.postcodeSame, 'home postcode is the same');

  if (family === 'same' && given === 'same' && birth === 'same') keys.push('name+dateOfBirth');

  // A shared email or phone is often a household's, so it links only when names and date of
  // birth do not contradict it. A police identifier links despite a name change (marriage,
  // alias) but not against a different date of birth.
  const contactOnly = keys.length > 0 && keys.every((key) => key === 'email' || key === 'phone');
  if (birth === 'different') conflicts.push('date of birth differs');
  if (contactOnly && family === 'different') conflicts.push('family name differs');
  if (contactOnly && given === 'different') conflicts.push('given name differs');

  return { candidateId: candidate.id, score, deterministicKeys: keys, conflicts: [...new Set(conflicts)], reasons, identifyingAgreement: identifying };
}

function levenshtein(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

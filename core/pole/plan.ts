/**
 * Decide, for every person in a contact, what the records management system should receive:
 * a new nominal, a link to an existing one, a text description on the occurrence, or nothing
 * until a person has reviewed an unsure match.
 */
import type { CanonicalContact, ContactPerson, PersonRole } from '../contact/types';
import { evaluatePerson, ruleForRoles, type EvaluateOptions, type PersonEvaluation, type PoleRule, type RejectedValue } from './evaluate';
import { matchNominal, type MatchOptions, type MatchOutcome, type NominalCandidate } from './match';

export type PersonAction = 'create' | 'link' | 'attach-as-text' | 'review';

export interface PersonMatchSummary {
  outcome: MatchOutcome;
  matchedId?: string;
  score: number;
  reasons: string[];
}

/**
 * One decision, written onto the item for the audit log. It names the person only by SDM id and
 * role, never by name or contact details.
 */
export interface PersonDecision {
  personId: string;
  roles: PersonRole[];
  action: PersonAction;
  rule: PoleRule;
  eligible: boolean;
  counted: Record<string, boolean>;
  missing: string[];
  rejectedPlaceholders: RejectedValue[];
  match?: PersonMatchSummary;
  /** The nominal linked to, or the candidate to show the reviewer. Set by the writer after creating. */
  nominalId?: string;
  /** The occurrence description holding the text, for `attach-as-text`. Set by the writer. */
  descriptionId?: string;
  explanation: string;
}

export interface PlanOptions {
  evaluate?: EvaluateOptions;
  match?: MatchOptions;
  /** Candidates a nominal search returned for a person; people without an entry get none. */
  candidatesFor?: (person: ContactPerson) => NominalCandidate[];
}

const ROLE_LABELS: Record<PersonRole, string> = {
  victim: 'Victim',
  witness: 'Witness',
  personReporting: 'Person reporting',
  knownSuspect: 'Known suspect',
  unknownSuspect: 'Unknown suspect',
};

/** "Person reporting and victim (person.personReporting.1577683966)". */
export function describePersonForAudit(person: Pick<ContactPerson, 'id' | 'roles'>): string {
  const labels = person.roles.length > 0 ? person.roles.map((role, index) => (index === 0 ? ROLE_LABELS[role] : ROLE_LABELS[role].toLowerCase())) : ['Person with no role'];
  return `${labels.join(' and ')} (${person.id})`;
}

/** Picks the role whose threshold applies: `unknownSuspect` only when that is the person's only role. */
export function thresholdRole(person: ContactPerson): PersonRole {
  return ruleForRoles(person.roles) === 'unknown-suspect-4-of-7' ? 'unknownSuspect' : (person.roles[0] ?? 'victim');
}

/** Plan one person. */
export function planPerson(person: ContactPerson, options: PlanOptions = {}): PersonDecision {
  const evaluation = evaluatePerson(person, thresholdRole(person), options.evaluate);
  const subject = describePersonForAudit(person);
  const base = {
    personId: person.id,
    roles: [...person.roles],
    rule: evaluation.rule,
    eligible: evaluation.eligible,
    counted: evaluation.counted,
    missing: evaluation.missing,
    rejectedPlaceholders: evaluation.rejectedPlaceholders,
  };

  if (!evaluation.eligible) {
    return { ...base, action: 'attach-as-text', explanation: `${subject} ${explainShortfall(evaluation)} No person record is created; the description is attached to the occurrence as text.` };
  }

  // Unknown suspects carry no name, date of birth or contact detail, so a match could only rest
  // on physical description. A new unknown nominal is created for each occurrence instead.
  if (evaluation.rule === 'unknown-suspect-4-of-7') {
    return {
      ...base,
      action: 'create',
      explanation: `${subject} meets the unknown-suspect standard with ${evaluation.countedTotal} of 7 physical attributes; an unknown-suspect nominal is created without matching, because a description alone never identifies an existing nominal.`,
    };
  }

  const candidates = options.candidatesFor?.(person) ?? [];
  const match = matchNominal(person, candidates, options.match);
  const summary: PersonMatchSummary = { outcome: match.outcome, matchedId: match.matchedId, score: match.score, reasons: match.reasons };

  if (match.outcome === 'link') {
    return { ...base, action: 'link', match: summary, nominalId: match.matchedId, explanation: `${subject} meets the 4+1 standard and matches existing nominal ${match.matchedId} (score ${match.score}); linked to it, no new nominal created. ${match.reasons[0]}` };
  }
  if (match.outcome === 'review') {
    return {
      ...base,
      action: 'review',
      match: summary,
      nominalId: match.matchedId,
      explanation: `${subject} meets the 4+1 standard but may be existing nominal ${match.matchedId} (score ${match.score}); nothing is created or linked for this person until someone reviews the match. ${match.reasons[0]}`,
    };
  }
  const searched = candidates.length === 0 ? 'no candidate nominal was found' : `none of ${candidates.length} candidate nominals matched`;
  return { ...base, action: 'create', match: summary, explanation: `${subject} meets the 4+1 standard and ${searched}; a new nominal is created. ${match.reasons[0]}` };
}

/** Plan every person in the contact, in order. */
export function planPeople(contact: Pick<CanonicalContact, 'people'>, options: PlanOptions = {}): PersonDecision[] {
  return (contact.people ?? []).map((person) => planPerson(person, options));
}

function explainShortfall(evaluation: PersonEvaluation): string {
  const rejected = evaluation.rejectedPlaceholders.length > 0
    ? ` Values rejected as placeholders or invalid: ${evaluation.rejectedPlaceholders.map((entry) => `${entry.field} (${entry.kind})`).join(', ')}.`
    : '';
  if (evaluation.rule === '4+1') {
    return `does not meet the 4+1 standard: missing ${evaluation.missing.join(', ')}.${rejected}`;
  }
  return `does not meet the unknown-suspect standard: ${evaluation.countedTotal} of 7 physical attributes, at least 4 needed (missing ${evaluation.missing.join(', ')}).${rejected}`;
}

import type { ContactPerson } from '../../../core/contact/types';
import type { NominalCandidate } from '../../../core/pole/match';
import { planPeople } from '../../../core/pole/plan';
import { describePersonAsText } from '../../../core/pole/text';
import { knownPerson, person } from './personFixtures';

const maleOnlySuspect: ContactPerson = person({
  id: 'person.unknownSuspect.300',
  roles: ['unknownSuspect'],
  gender: { code: 'GNDR_0003', en: 'Male', known: true },
  description: { freeText: 'male' },
});

describe('planPeople', () => {
  test('"male"-only suspect becomes text', () => {
    const [decision] = planPeople({ people: [maleOnlySuspect] });
    expect(decision.action).toBe('attach-as-text');
    expect(decision.explanation).toBe(
      'Unknown suspect (person.unknownSuspect.300) does not meet the unknown-suspect standard: 1 of 7 physical attributes, at least 4 needed (missing build, complexion, distinguishingFeatures, leftEyeColour, rightEyeColour, ethnicity). No person record is created; the description is attached to the occurrence as text.',
    );
  });

  test('described unknown suspect is created without matching', () => {
    const suspect = person({
      id: 'person.unknownSuspect.301',
      roles: ['unknownSuspect'],
      gender: { code: 'GNDR_0003', known: true },
      description: { build: 'Stocky', complexion: 'Pale', ethnicity: 'W1', distinguishingFeatures: 'Tattoo of a swallow on the neck' },
    });
    const candidatesFor = jest.fn(() => [] as NominalCandidate[]);
    const [decision] = planPeople({ people: [suspect] }, { candidatesFor });
    expect(decision.action).toBe('create');
    expect(candidatesFor).not.toHaveBeenCalled();
  });

  test('known reporter matching a nominal is linked', () => {
    const reporter = knownPerson();
    const existing: NominalCandidate = {
      id: 'NOM-7',
      givenName: 'Kieran',
      familyName: 'Lowther',
      dateOfBirth: '1996-03-11',
      emails: [],
      phones: [],
      policeIdentifiers: {},
    };
    const [decision] = planPeople({ people: [reporter] }, { candidatesFor: () => [existing] });
    expect(decision.action).toBe('link');
    expect(decision.nominalId).toBe('NOM-7');
    expect(decision.explanation).toMatch(/^Person reporting \(person\.personReporting\.200\) meets the 4\+1 standard and matches existing nominal NOM-7/);
  });

  test('known person with no candidates is created', () => {
    const [decision] = planPeople({ people: [knownPerson()] }, { candidatesFor: () => [] });
    expect(decision.action).toBe('create');
    expect(decision.explanation).toMatch(/no candidate nominal was found; a new nominal is created/);
  });

  test('unsure match goes to review', () => {
    const reporter = knownPerson({ dateOfBirth: undefined, age: 30, emails: [], phones: [] });
    const similar: NominalCandidate = { id: 'NOM-8', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1996-03-11', emails: [], phones: [], homePostcode: 'CM1 1AA', policeIdentifiers: {} };
    const [decision] = planPeople({ people: [reporter] }, { candidatesFor: () => [similar], match: { today: '2026-12-04' } });
    expect(decision.action).toBe('review');
    expect(decision.nominalId).toBe('NOM-8');
    expect(decision.explanation).toMatch(/nothing is created or linked for this person until someone reviews the match/);
  });

  test('explanations never contain names or contact details', () => {
    const people = [knownPerson(), knownPerson({ id: 'person.witness.9', roles: ['witness'], givenName: 'Unknown', phones: ['07700 900999'] }), maleOnlySuspect];
    const decisions = planPeople({ people }, { candidatesFor: () => [] });
    const text = JSON.stringify(decisions);
    expect(text).not.toMatch(/Kieran|Lowther|1996-03-11|7700|example\.com|High Street|CM1/);
    expect(decisions.map((decision) => decision.action)).toEqual(['create', 'attach-as-text', 'attach-as-text']);
  });
});

describe('describePersonAsText', () => {
  test('keeps the reporter wording and drops placeholder names', () => {
    const text = describePersonAsText(person({ id: 'person.knownSuspect.5', roles: ['knownSuspect'], givenName: 'unknown', familyName: 'Brackenbury', dateOfBirth: '1994-08-30', description: { height: '6ft 1', freeText: 'Works on the evening shift' } }));
    expect(text).toBe(
      [
        'Known suspect (person.knownSuspect.5), below the threshold for a person record:',
        'Family name: Brackenbury',
        'Date of birth: 30/08/1994',
        'Height: 6ft 1',
        'Further description: Works on the evening shift',
      ].join('\n'),
    );
  });

  test('says when nothing was given', () => {
    expect(describePersonAsText(person({ id: 'person.unknownSuspect.6', roles: ['unknownSuspect'] }))).toMatch(/No identifying details or physical description were given\.$/);
  });
});

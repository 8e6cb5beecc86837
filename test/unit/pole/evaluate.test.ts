import { evaluatePerson, ruleForRoles } from '../../../core/pole/evaluate';
import { knownPerson, person } from './personFixtures';

const TODAY = '2026-12-04';

describe('evaluatePerson 4+1', () => {
  test('complete known person is eligible', () => {
    const result = evaluatePerson(knownPerson(), 'personReporting', { today: TODAY });
    expect(result.rule).toBe('4+1');
    expect(result.eligible).toBe(true);
    expect(result.missing).toEqual([]);
    expect(result.contactReferences).toEqual(['homeAddress', 'phone', 'email']);
  });

  test('age stands in for date of birth', () => {
    const result = evaluatePerson(knownPerson({ dateOfBirth: undefined, age: 34 }), 'victim', { today: TODAY });
    expect(result.eligible).toBe(true);
    expect(result.counted.dateOfBirthOrAge).toBe(true);
  });

  test('one contact reference is enough', () => {
    const result = evaluatePerson(knownPerson({ phones: [], homeAddress: undefined }), 'witness', { today: TODAY });
    expect(result.eligible).toBe(true);
    expect(result.contactReferences).toEqual(['email']);
  });

  test('no contact reference fails the +1', () => {
    const result = evaluatePerson(knownPerson({ phones: [], emails: [], homeAddress: undefined }), 'witness', { today: TODAY });
    expect(result.eligible).toBe(false);
    expect(result.missing).toEqual(['contactReference']);
  });

  test('placeholder names never count', () => {
    const result = evaluatePerson(knownPerson({ givenName: 'Unknown', familyName: 'XX' }), 'knownSuspect', { today: TODAY });
    expect(result.eligible).toBe(false);
    expect(result.missing).toEqual(['givenName', 'familyName']);
    expect(result.rejectedPlaceholders).toEqual([
      { field: 'givenName', kind: 'placeholder' },
      { field: 'familyName', kind: 'placeholder' },
    ]);
  });

  test('"male" as a name does not count', () => {
    const result = evaluatePerson(knownPerson({ givenName: 'male' }), 'knownSuspect', { today: TODAY });
    expect(result.counted.givenName).toBe(false);
    expect(result.rejectedPlaceholders).toContainEqual({ field: 'givenName', kind: 'non-identifying-word' });
  });

  test.each([
    ['2030-01-01', 'future'],
    ['1996-02-30', 'not a calendar date'],
    ['11/03/1996', 'wrong format'],
    ['1900-01-01', 'filler date'],
  ])('date of birth %p (%s) does not count', (dateOfBirth) => {
    const result = evaluatePerson(knownPerson({ dateOfBirth }), 'victim', { today: TODAY });
    expect(result.counted.dateOfBirthOrAge).toBe(false);
    expect(result.rejectedPlaceholders).toContainEqual({ field: 'dateOfBirth', kind: 'invalid-date' });
  });

  test('invalid age does not count', () => {
    const result = evaluatePerson(knownPerson({ dateOfBirth: undefined, age: -3 }), 'victim', { today: TODAY });
    expect(result.counted.dateOfBirthOrAge).toBe(false);
  });

  test('gender must be a usable code', () => {
    expect(evaluatePerson(knownPerson({ gender: { code: 'male', known: false } }), 'victim', { today: TODAY }).counted.gender).toBe(false);
    expect(evaluatePerson(knownPerson({ gender: { code: 'GNDR_0009', en: 'Not known', known: true } }), 'victim', { today: TODAY }).counted.gender).toBe(false);
    expect(evaluatePerson(knownPerson({ gender: { code: 'GNDR_0004', known: true } }), 'victim', { today: TODAY, unknownGenderCodes: ['GNDR_0004'] }).counted.gender).toBe(false);
    expect(evaluatePerson(knownPerson({ gender: { code: 'GNDR_0001', en: 'Female', known: true } }), 'victim', { today: TODAY }).counted.gender).toBe(true);
  });

  test('invalid phone and placeholder email do not count', () => {
    const result = evaluatePerson(knownPerson({ phones: ['n/a'], emails: ['none@example.com'], homeAddress: undefined }), 'victim', { today: TODAY });
    expect(result.counted.contactReference).toBe(false);
    expect(result.rejectedPlaceholders).toContainEqual({ field: 'phones', kind: 'invalid-phone' });
    expect(result.rejectedPlaceholders).toContainEqual({ field: 'emails', kind: 'invalid-email' });
  });

  test('address needs something findable', () => {
    const townOnly = evaluatePerson(knownPerson({ phones: [], emails: [], homeAddress: { town: 'Chelmsford' } }), 'victim', { today: TODAY });
    expect(townOnly.counted.contactReference).toBe(false);
    expect(townOnly.rejectedPlaceholders).toContainEqual({ field: 'homeAddress', kind: 'incomplete-address' });

    const postcodeOnly = evaluatePerson(knownPerson({ phones: [], emails: [], homeAddress: { postcode: 'CM1 1AA' } }), 'victim', { today: TODAY });
    expect(postcodeOnly.counted.contactReference).toBe(true);
  });
});

describe('evaluatePerson unknown suspect', () => {
  test('"male" only creates no person', () => {
    const result = evaluatePerson(
      person({ id: 'person.unknownSuspect.1', roles: ['unknownSuspect'], gender: { code: 'GNDR_0003', en: 'Male', known: true }, description: { freeText: 'male' } }),
      'unknownSuspect',
    );
    expect(result.rule).toBe('unknown-suspect-4-of-7');
    expect(result.eligible).toBe(false);
    expect(result.countedTotal).toBe(1);
  });

  test('"male" typed into every field counts for nothing', () => {
    const result = evaluatePerson(
      person({ roles: ['unknownSuspect'], description: { build: 'male', complexion: 'Male', ethnicity: 'unknown male', leftEyeColour: '?', rightEyeColour: 'N/K' } }),
      'unknownSuspect',
    );
    expect(result.countedTotal).toBe(0);
    expect(result.rejectedPlaceholders.map((entry) => entry.field)).toEqual(['build', 'complexion', 'leftEyeColour', 'rightEyeColour', 'ethnicity']);
  });

  test('four attributes are enough', () => {
    const result = evaluatePerson(
      person({ roles: ['unknownSuspect'], gender: { code: 'GNDR_0003', known: true }, description: { build: 'Stocky', complexion: 'Pale', ethnicity: 'W1' } }),
      'unknownSuspect',
    );
    expect(result.eligible).toBe(true);
    expect(result.countedTotal).toBe(4);
    expect(result.missing).toEqual(['distinguishingFeatures', 'leftEyeColour', 'rightEyeColour']);
  });

  test('three attributes are not', () => {
    const result = evaluatePerson(person({ roles: ['unknownSuspect'], description: { build: 'Stocky', complexion: 'Pale', ethnicity: 'W1' } }), 'unknownSuspect');
    expect(result.eligible).toBe(false);
    expect(result.countedTotal).toBe(3);
  });

  test('height and hair colour are not among the seven', () => {
    const result = evaluatePerson(
      person({ roles: ['unknownSuspect'], gender: { code: 'GNDR_0003', known: true }, description: { build: 'Slim', height: '6ft', hairColour: 'Brown', clothing: 'Red jacket' } }),
      'unknownSuspect',
    );
    expect(result.countedTotal).toBe(2);
    expect(result.eligible).toBe(false);
  });
});

describe('ruleForRoles', () => {
  test('unknown-suspect rule only for unknown suspects', () => {
    expect(ruleForRoles(['unknownSuspect'])).toBe('unknown-suspect-4-of-7');
    expect(ruleForRoles(['victim', 'personReporting'])).toBe('4+1');
    expect(ruleForRoles([])).toBe('4+1');
  });
});

import { matchNominal, type NominalCandidate } from '../../../core/pole/match';
import { knownPerson } from './personFixtures';

const TODAY = '2026-12-04';

function candidate(overrides: Partial<NominalCandidate> = {}): NominalCandidate {
  return {
    id: 'NOM-1',
    givenName: 'Kieran',
    familyName: 'Lowther',
    dateOfBirth: '1996-03-11',
    gender: 'GNDR_0003',
    emails: ['kieran.lowther@example.com'],
    phones: ['+447700900123'],
    homePostcode: 'CM1 1AA',
    policeIdentifiers: {},
    ...overrides,
  };
}

describe('matchNominal deterministic keys', () => {
  test('no candidates creates', () => {
    const result = matchNominal(knownPerson(), [], { today: TODAY });
    expect(result.outcome).toBe('create');
  });

  test('same person links', () => {
    const result = matchNominal(knownPerson(), [candidate()], { today: TODAY });
    expect(result.outcome).toBe('link');
    expect(result.matchedId).toBe('NOM-1');
    expect(result.candidates[0].deterministicKeys).toEqual(['email', 'phone', 'name+dateOfBirth']);
  });

  test('phone in another format is the same key', () => {
    const result = matchNominal(knownPerson({ emails: [], phones: ['+44 (0)7700 900123'] }), [candidate({ emails: [], givenName: undefined, familyName: undefined, dateOfBirth: undefined })], { today: TODAY });
    expect(result.outcome).toBe('link');
    expect(result.candidates[0].deterministicKeys).toEqual(['phone']);
  });

  test('police identifier links despite a changed family name', () => {
    const result = matchNominal(
      knownPerson({ familyName: 'Marsh', policeIdentifiers: { pnc: '96/123456A' } }),
      [candidate({ emails: [], phones: [], policeIdentifiers: { PNC: '96/123456a' } })],
      { today: TODAY },
    );
    expect(result.outcome).toBe('link');
    expect(result.candidates[0].deterministicKeys).toEqual(['policeIdentifier']);
  });

  test('shared household phone with another name does not link', () => {
    const result = matchNominal(
      knownPerson({ emails: [] }),
      [candidate({ id: 'NOM-2', givenName: 'Elaine', dateOfBirth: '1968-07-02', emails: [] })],
      { today: TODAY },
    );
    expect(result.outcome).not.toBe('link');
    expect(result.candidates[0].conflicts).toEqual(['date of birth differs', 'given name differs']);
  });

  test('two nominals sharing the key go to review', () => {
    const result = matchNominal(knownPerson(), [candidate({ id: 'NOM-1' }), candidate({ id: 'NOM-2' })], { today: TODAY });
    expect(result.outcome).toBe('review');
  });

  test('conflicting police identifier blocks the link', () => {
    const result = matchNominal(
      knownPerson({ policeIdentifiers: { pnc: '96/123456A' } }),
      [candidate({ policeIdentifiers: { pnc: '01/999999Z' } })],
      { today: TODAY },
    );
    expect(result.outcome).not.toBe('link');
    expect(result.candidates[0].conflicts).toContain('police identifier pnc differs');
  });
});

describe('matchNominal scoring', () => {
  test('same name with different dates of birth stays two', () => {
    const result = matchNominal(
      knownPerson({ emails: ['other@example.com'], phones: [] }),
      [candidate({ dateOfBirth: '1971-09-23', emails: [], phones: [], homePostcode: 'NR1 1AA' })],
      { today: TODAY },
    );
    expect(result.outcome).toBe('create');
    expect(result.score).toBeLessThan(45);
  });

  test('same name without a date of birth is unsure', () => {
    const result = matchNominal(
      knownPerson({ dateOfBirth: undefined, age: 30, emails: [], phones: [] }),
      [candidate({ emails: [], phones: [] })],
      { today: TODAY },
    );
    expect(result.outcome).toBe('review');
    expect(result.matchedId).toBe('NOM-1');
    expect(result.score).toBeGreaterThanOrEqual(45);
    expect(result.score).toBeLessThan(80);
  });

  test('Welsh names match with or without diacritics', () => {
    const person = knownPerson({ givenName: 'Siân', familyName: 'Ap-Rhŷs', emails: [], phones: [] });
    const result = matchNominal(person, [candidate({ givenName: 'SIAN', familyName: 'ap rhys', emails: [], phones: [] })], { today: TODAY });
    expect(result.outcome).toBe('link');
    expect(result.candidates[0].deterministicKeys).toEqual(['name+dateOfBirth']);
  });

  test('one-letter slip in a family name scores as similar', () => {
    const person = knownPerson({ familyName: 'Prichard', emails: [], phones: [] });
    const result = matchNominal(person, [candidate({ familyName: 'Pritchard', emails: [], phones: [] })], { today: TODAY });
    expect(result.candidates[0].reasons).toContain('family name differs by one letter (+18)');
    expect(result.outcome).toBe('link');
  });

  test('never merges on gender or age alone', () => {
    const person = knownPerson({ givenName: 'Aled', familyName: 'Pugh', dateOfBirth: undefined, age: 30, emails: [], phones: [], homeAddress: undefined });
    const stranger = candidate({ givenName: 'Tomos', familyName: 'Rees', dateOfBirth: undefined, age: 30, emails: [], phones: [], homePostcode: undefined });
    const result = matchNominal(person, [stranger], {
      today: TODAY,
      weights: { genderSame: 100, ageConsistent: 100, givenNameDifferent: 0, familyNameDifferent: 0 },
    });
    expect(result.score).toBeGreaterThanOrEqual(200);
    expect(result.outcome).toBe('create');
    expect(result.reasons[0]).toMatch(/gender and age alone never identify/);
  });

  test('names only, no other data, creates without any identifying match', () => {
    const person = knownPerson({ emails: [], phones: [], familyName: 'Pugh' });
    const result = matchNominal(person, [candidate({ familyName: 'Rees', emails: [], phones: [], dateOfBirth: undefined })], { today: TODAY });
    expect(result.outcome).toBe('create');
  });

  test('thresholds are configurable', () => {
    const person = knownPerson({ dateOfBirth: undefined, age: 30, emails: [], phones: [] });
    const result = matchNominal(person, [candidate({ emails: [], phones: [] })], { today: TODAY, linkThreshold: 50 });
    expect(result.outcome).toBe('link');
  });

  test('review threshold above link threshold is rejected', () => {
    expect(() => matchNominal(knownPerson(), [], { linkThreshold: 40, reviewThreshold: 60 })).toThrow(/review threshold 60 is above the link threshold 40/);
  });

  test('reasons never contain the compared values', () => {
    const result = matchNominal(knownPerson(), [candidate()], { today: TODAY });
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/Kieran|Lowther|1996|7700|example\.com/);
  });
});

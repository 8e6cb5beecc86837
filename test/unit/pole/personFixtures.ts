import type { ContactPerson } from '../../../core/contact/types';

/** A person with every field empty; tests fill in what each case needs. */
export function person(overrides: Partial<ContactPerson> = {}): ContactPerson {
  return {
    id: 'person.victim.100',
    roles: ['victim'],
    emails: [],
    phones: [],
    description: {},
    policeIdentifiers: {},
    attributes: {},
    ...overrides,
  };
}

/** A known person meeting 4+1 with all contact references. Fictitious. */
export function knownPerson(overrides: Partial<ContactPerson> = {}): ContactPerson {
  return person({
    id: 'person.personReporting.200',
    roles: ['personReporting'],
    givenName: 'Kieran',
    familyName: 'Lowther',
    dateOfBirth: '1996-03-11',
    gender: { code: 'GNDR_0003', known: true },
    phones: ['07700 900123'],
    emails: ['kieran.lowther@example.com'],
    homeAddress: { buildingNumber: '12', street: 'High Street', town: 'Chelmsford', postcode: 'CM1 1AA' },
    ...overrides,
  });
}

import { parseSubmission } from '../../../core/sdm';
import type { CanonicalContact } from '../../../core/contact/types';
import { fixtureBytes } from './fixtures';

const receivedAt = new Date('2025-12-01T09:00:00Z');

function parseFixture(path: string, source: 'standard-api' | 'email' = 'standard-api'): CanonicalContact {
  const result = parseSubmission(fixtureBytes(path), { source, receivedAt });
  if (!result.ok) throw new Error(`${path} was rejected: ${JSON.stringify(result.errors)}`);
  return result.contact;
}

describe('parseSubmission on SDM documents', () => {
  test('hate crime witness with Welsh names', () => {
    const contact = parseFixture('sdm/ocr-hate-crime-witness-welsh-names.json');
    expect(contact.source).toBe('standard-api');
    expect(contact.receivedVia).toBe('standard-api');
    expect(contact.formType).toBe('OCR');
    expect(contact.formTypeLabel).toBe('Report a crime');
    expect(contact.formTypeLabelWelsh).toBe('Rhoi gwybod am drosedd');
    expect(contact.submission).toMatchObject({
      id: '3c1d6f0e-8b7a-4c39-9e52-0a4f6d2b7c11',
      customerReferenceNumber: 'HCW-2-25-0802-A7F3',
      forceIdentifier: 42,
      category: 'OCR',
      categorySubcode: 'HATE',
      highHarmFlag: false,
      howInvolvedInCrime: { code: 'IVLD_0002', en: 'I witnessed a crime taking place', known: true },
    });
    expect(contact.submission.submitTime).toEqual({
      original: '2025-08-02T23:02:11.415+01:00',
      utc: '2025-08-02T22:02:11.415Z',
      offset: '+01:00',
      londonLocal: '2025-08-02T23:02:11',
      flags: [],
    });
    expect(contact.incident.hateCrime).toBe(true);
    expect(contact.incident.physicallyAssaulted).toBe(true);
    expect(contact.incident.location).toMatchObject({ street: 'Heol y Frenhines', town: 'Caerdydd', latitude: 51.48158, country: 'United Kingdom' });

    const reporter = contact.people.find((person) => person.id === 'person.personReporting.710203040')!;
    expect(reporter.roles).toEqual(['witness', 'personReporting']);
    expect(reporter.familyName).toBe('Llŷr-Prys');
    expect(reporter.gender).toEqual({ code: 'GNDR_0001', en: 'Female', cy: 'Benyw', known: true });
    expect(reporter.phones).toEqual(['+447700900731']);
    expect(reporter.emails).toEqual(['angharad.llyr-prys@example.com']);
    expect(reporter.homeAddress).toMatchObject({ buildingNumber: '14', street: 'Ffordd Tŷ Gwyn', postcode: 'CF14 9ZZ' });

    const victim = contact.people.find((person) => person.roles.includes('victim'))!;
    expect(victim.givenName).toBe('Siôn Dafydd');
    expect(victim.familyName).toBe('ap Gruffydd');

    const known = contact.people.find((person) => person.roles.includes('knownSuspect'))!;
    expect(known).toMatchObject({ givenName: 'Gethin', familyName: 'Rhŷs-Ellis', dateOfBirth: '1979-04-02', phones: ['+447700900732'] });
    expect(known.description).toMatchObject({ build: 'Stocky', hairColour: 'Grey', height: '5ft 9' });

    const unknown = contact.people.find((person) => person.roles.includes('unknownSuspect'))!;
    expect(unknown.description).toEqual({
      build: 'Slim',
      complexion: 'Pale',
      leftEyeColour: 'Blue',
      rightEyeColour: 'Blue',
      ethnicity: 'White - North European',
      clothing: 'Green puffer jacket, white trainers.',
    });
    expect(contact.people).toHaveLength(4);
    expect(contact.drift).toEqual({ needsReview: false, findings: [] });
  });

  test('keeps the original document intact', () => {
    const body = fixtureBytes('sdm/ocr-hate-crime-witness-welsh-names.json');
    const contact = parseFixture('sdm/ocr-hate-crime-witness-welsh-names.json');
    expect(contact.original).toEqual(JSON.parse(body.toString('utf8')));
    expect(contact.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(contact.receivedAt).toBe('2025-12-01T09:00:00.000Z');
  });

  test('business victim with stolen bicycle', () => {
    const contact = parseFixture('sdm/ocr-business-victim-stolen-bicycle.json');
    const business = contact.people.find((person) => person.kind === 'business')!;
    expect(business).toMatchObject({ id: 'object.victimIsBusiness.960708090', roles: ['victim'], organisationName: 'Tân Cycles Cyf', phones: ['+441970900123'] });
    expect(business.givenName).toBeUndefined();
    expect(business.homeAddress).toMatchObject({ street: 'Stryd y Bont', town: 'Aberystwyth' });
    expect(contact.objects).toEqual([
      expect.objectContaining({ id: 'object.stolenItem.960708091', type: 'bicycle', summary: 'Bicycle: Ribble Gravel AL, Green, frame RBL-GAL-220417' }),
    ]);
    const suspect = contact.people.find((person) => person.roles.includes('unknownSuspect'))!;
    expect(suspect.description).toMatchObject({ build: 'Athletic', complexion: 'Tanned', hairColour: 'Brown' });
    expect(contact.submission.howInvolvedInCrime?.en).toBe("I'm reporting on behalf of a business");
  });

  test('no location and a long narrative', () => {
    const contact = parseFixture('sdm/ocr-no-location-long-narrative.json');
    expect(contact.incident.location).toBeUndefined();
    expect(contact.locations).toEqual([]);
    expect(contact.incident.description!.length).toBeGreaterThan(8000);
    expect(contact.incident.description!.startsWith('Week 1: Since March')).toBe(true);
    expect(contact.incident.stillHappening).toBe(true);
    expect(contact.incident.reportedAlready).toBe(true);
    expect(contact.incident.previousReference).toBe('46/10231/25');
    expect(contact.incident.approximateTimeText).toBe('Many times since early March, most nights after 10 pm.');
    expect(contact.drift.needsReview).toBe(false);
  });

  test('road traffic incident with vehicle and fall-back hour', () => {
    const contact = parseFixture('sdm/rti-witness-vehicle-local-times.json');
    expect(contact.formType).toBe('RTI');
    expect(contact.objects.map((object) => object.summary)).toEqual(['Vehicle: Vauxhall Vivaro, Silver, registration ZT19 KLM']);
    expect(contact.incident.startTime).toEqual({
      original: '2025-10-26T01:30:00',
      utc: '2025-10-26T00:30:00.000Z',
      londonLocal: '2025-10-26T01:30:00',
      flags: ['no-offset', 'ambiguous-local-time'],
    });
    expect(contact.people.find((person) => person.roles.includes('witness'))!.familyName).toBe('Ó Súilleabháin');
  });

  test('delivered by email', () => {
    const contact = parseFixture('sdm/ocr-business-victim-stolen-bicycle.json', 'email');
    expect(contact.source).toBe('email');
    expect(contact.receivedVia).toBe('email');
  });

  test('unknown form type is drift', () => {
    const contact = parseFixture('sdm/unknown-form-type.json');
    expect(contact.formType).toBe('NOISE');
    expect(contact.formTypeLabel).toBeUndefined();
    expect(contact.drift.needsReview).toBe(true);
    expect(contact.drift.findings).toEqual([
      expect.objectContaining({ kind: 'unknown-form-type', pointer: '/included/0/attributes/category', value: 'NOISE' }),
    ]);
  });

  test('extra form types extend the catalogue', () => {
    const result = parseSubmission(fixtureBytes('sdm/unknown-form-type.json'), {
      source: 'standard-api',
      extraFormTypes: [{ code: 'NOISE', en: 'Noise nuisance', codeKnown: false, enabledByDefault: true }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.formTypeLabel).toBe('Noise nuisance');
    expect(result.contact.drift.findings).toEqual([]);
  });
});

describe('parseSubmission on raw SOH forms', () => {
  test('bicycle theft form', () => {
    const contact = parseFixture('raw-soh/ocr-bicycle-theft.json');
    expect(contact.source).toBe('raw-soh');
    expect(contact.receivedVia).toBe('standard-api');
    expect(contact.submission).toMatchObject({ id: 'raw-2b9e4c71-5a0d-4e83-9f16-7d2c8b3a1e66', forceIdentifier: 42, category: 'OCR' });
    const reporter = contact.people[0];
    expect(reporter).toMatchObject({
      id: 'raw.personReporting',
      roles: ['personReporting', 'victim'],
      title: 'Mr',
      givenName: 'Dewi',
      middleNames: 'Rhys',
      familyName: 'Prydderch',
      phones: ['07700 900123'],
      emails: ['dewi.prydderch@example.com'],
    });
    expect(reporter.homeAddress).toMatchObject({ street: 'Ashby Road', town: 'Loughborough', uprn: '100030000001' });
    expect(contact.objects[0]).toMatchObject({ type: 'bicycle', summary: 'Bicycle: Ridgeback Speed, Blue, frame RB-22-778310' });
    expect(contact.incident.startTime).toMatchObject({ utc: '2025-04-11T06:45:00.000Z', flags: ['no-offset'] });
    expect(contact.incident.location).toMatchObject({ street: 'Station Approach', latitude: 52.7799 });
    expect(contact.drift.findings).toEqual([]);
  });

  test('spring-forward gap and unknown field', () => {
    const contact = parseFixture('raw-soh/asb-spring-forward-gap.json');
    expect(contact.formType).toBe('ASB');
    expect(contact.incident.startTime).toEqual({
      original: '2025-03-30T01:30:00',
      utc: '2025-03-30T01:30:00.000Z',
      londonLocal: '2025-03-30T01:30:00',
      flags: ['no-offset', 'nonexistent-local-time'],
    });
    expect(contact.drift.findings).toEqual([
      {
        kind: 'unknown-attribute',
        pointer: '/personReporting/favouriteColour',
        detail: '"favouriteColour" is not a raw SOH field we know; it is kept as received.',
        value: 'green',
      },
    ]);
    expect((contact.people[0].attributes as Record<string, unknown>).favouriteColour).toBe('green');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateNominalRequestSchema, CreateOccurrenceRequestSchema } from '../../../core/athena/contract';
import { toCreateNominalRequest, toCreateOccurrenceRequest, toNominalSearchRequest } from '../../../core/athena/mapping';
import { planPeople } from '../../../core/pole';
import { parseSubmission } from '../../../core/sdm';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'sdm');

function parse(name: string) {
  const result = parseSubmission(readFileSync(join(FIXTURES, name)), { source: 'standard-api' });
  if (!result.ok) throw new Error(`${name} was rejected by the SDM parser`);
  return result.contact;
}

describe('person rules on parsed SDM documents', () => {
  const expected: Array<[string, Array<[string, string]>]> = [
    [
      'ocr-business-victim-stolen-bicycle.json',
      [
        ['object.victimIsBusiness.960708090', 'attach-as-text'],
        ['person.personReporting.760708090', 'create'],
        ['person.unknown.760708091', 'attach-as-text'],
      ],
    ],
    [
      'ocr-hate-crime-witness-welsh-names.json',
      [
        ['person.personReporting.710203040', 'create'],
        ['person.victim.710203041', 'attach-as-text'],
        ['person.known.710203042', 'create'],
        ['person.unknown.710203043', 'create'],
      ],
    ],
    [
      'rti-witness-vehicle-local-times.json',
      [
        ['person.personReporting.740506070', 'create'],
        ['person.unknown.740506071', 'attach-as-text'],
      ],
    ],
  ];

  test.each(expected)('%s', (name, decisions) => {
    const planned = planPeople(parse(name));
    expect(planned.map((decision) => [decision.personId, decision.action])).toEqual(decisions);
  });

  test.each(['ocr-business-victim-stolen-bicycle.json', 'ocr-hate-crime-witness-welsh-names.json', 'rti-witness-vehicle-local-times.json', 'ocr-no-location-long-narrative.json'])(
    '%s maps to valid contract requests',
    (name) => {
      const contact = parse(name);
      const occurrence = CreateOccurrenceRequestSchema.safeParse(toCreateOccurrenceRequest(contact, '42/00001/26'));
      expect(occurrence.error?.issues).toBeUndefined();

      for (const decision of planPeople(contact).filter((entry) => entry.action === 'create')) {
        const person = contact.people.find((entry) => entry.id === decision.personId)!;
        const kind = decision.rule === '4+1' ? 'known' : 'unknown';
        const nominal = CreateNominalRequestSchema.safeParse(toCreateNominalRequest(person, kind, { submissionId: contact.submission.id, sourceId: person.id }));
        expect(nominal.error?.issues).toBeUndefined();
        if (kind === 'known') expect(toNominalSearchRequest(person)).toBeDefined();
      }
    },
  );
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateIncidentRequestSchema } from '../../../core/chs/contract';
import { buildCreateIncidentRequest, buildNarrative, ChsMappingError, derivePriority, formatLondonTime } from '../../../core/chs/mapping';
import { EXAMPLE_FALLBACK_OPENING_CODE, resolveOpeningCode } from '../../../core/chs/openingCodes';
import type { CanonicalContact } from '../../../core/contact/types';
import { parseSubmission } from '../../../core/sdm/parseSubmission';

function contactFromFixture(name: string): CanonicalContact {
  const parsed = parseSubmission(readFileSync(join(__dirname, '..', '..', 'fixtures', 'e2e', `${name}.json`)), { source: 'standard-api' });
  if (!parsed.ok) throw new Error(`Fixture ${name} did not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.contact;
}

const FIXTURES = ['asb-nuisance-youths', 'ocr-assault-known-suspect', 'ocr-bicycle-theft', 'ocr-business-shoplifting', 'ocr-male-only-suspect', 'rti-road-traffic-incident'];

describe('CHS mapping', () => {
  it.each(FIXTURES)('%s maps to a valid request', (name) => {
    const contact = contactFromFixture(name);
    const { request } = buildCreateIncidentRequest(contact, { reference: '46/00001/25' });
    expect(CreateIncidentRequestSchema.safeParse(request).success).toBe(true);
    expect(request.externalReferences[0]).toEqual({ system: 'soh-submission', value: contact.submission.id });
    expect(request.externalReferences).toContainEqual({ system: 'force-reference', value: '46/00001/25' });
    expect(request.narrative).toContain(`Submission ${contact.submission.id}`);
  });

  it('picks the informant and lists the others', () => {
    const contact = contactFromFixture('rti-road-traffic-incident');
    const { request } = buildCreateIncidentRequest(contact);
    expect(request.informant?.name).toBe('Ms Priya Raman');
    expect(request.informant?.role).toBe('victim and person reporting');
    expect(request.otherPeople).toEqual([{ role: 'suspect (unknown)', text: 'name not given, female' }]);
  });

  it('narrative carries time, place and objects', () => {
    const narrative = buildNarrative(contactFromFixture('ocr-bicycle-theft'));
    expect(narrative).toContain('When: between 19/01/2024 08:10 and 19/01/2024 17:35');
    expect(narrative).toContain('Where: Roman Street, Leicester.');
    expect(narrative).toContain('- Bicycle: Kestrel Cycles Ridgeway 27, Green, frame WTU218C4410J');
  });

  it('address description is said once', () => {
    const contact = contactFromFixture('ocr-bicycle-theft');
    contact.incident.location = { street: 'Cedar Road', buildingNumber: '31', town: 'Leicester', description: '31 Cedar Road, Leicester' };
    expect(buildNarrative(contact)).toContain('Where: 31 Cedar Road, Leicester.');
    contact.incident.location.description = 'Behind the garages';
    expect(buildNarrative(contact)).toContain('Where: 31 Cedar Road, Leicester (Behind the garages).');
  });

  it('narrative warns about drift and lists attachments', () => {
    const contact = contactFromFixture('ocr-bicycle-theft');
    contact.drift = { needsReview: true, findings: [{ kind: 'unknown-attribute', pointer: '/data/attributes/shoeSize', detail: 'unknown' }] };
    contact.attachments = [{ id: 'a1', url: 'https://media.example.com/a.jpg', fileName: 'a.jpg' }];
    const narrative = buildNarrative(contact);
    expect(narrative).toContain('Warning: this submission differs from the SOH form this package knows (1 finding)');
    expect(narrative).toContain('- a.jpg: https://media.example.com/a.jpg');
  });

  it('long narrative is shortened with a notice', () => {
    const contact = contactFromFixture('ocr-bicycle-theft');
    contact.incident.description = 'x'.repeat(40_000);
    const narrative = buildNarrative(contact);
    expect(narrative.length).toBe(32_000);
    expect(narrative.endsWith('[Narrative shortened to fit the CHS limit; see the original submission.]')).toBe(true);
  });

  it('high harm raises the priority', () => {
    const contact = contactFromFixture('ocr-bicycle-theft');
    expect(derivePriority(contact)).toBe('scheduled');
    contact.submission.highHarmFlag = true;
    expect(derivePriority(contact)).toBe('priority');
  });

  it('overrides replace mapped values', () => {
    const { request } = buildCreateIncidentRequest(contactFromFixture('ocr-bicycle-theft'), {
      overrides: { openingCode: 'OVERRIDE', priority: 'emergency', narrative: 'Short.', locationText: 'Somewhere' },
    });
    expect(request).toMatchObject({ openingCode: 'OVERRIDE', priority: 'emergency', narrative: 'Short.', location: { text: 'Somewhere' } });
  });

  it('informant overrides keep other details', () => {
    const { request } = buildCreateIncidentRequest(contactFromFixture('ocr-bicycle-theft'), { overrides: { informantPhone: '07700 900999' } });
    expect(request.informant).toMatchObject({ name: 'Mr Marcus Whitfield-Ashby', phone: '07700 900999', email: 'm.whitfield-ashby@example.com' });
  });

  it('invalid override names the field', () => {
    const contact = contactFromFixture('ocr-bicycle-theft');
    expect(() => buildCreateIncidentRequest(contact, { overrides: { openingCode: 'has spaces' } })).toThrow(ChsMappingError);
    expect(() => buildCreateIncidentRequest(contact, { overrides: { openingCode: 'has spaces' } })).toThrow(
      `The CHS request built for submission ${contact.submission.id} is invalid: /openingCode`,
    );
  });

  it('unknown form type uses the fallback', () => {
    const contact = contactFromFixture('ocr-bicycle-theft');
    contact.formType = 'NEWFORM';
    const mapping = buildCreateIncidentRequest(contact);
    expect(mapping.openingCodeMatched).toBe(false);
    expect(mapping.request.openingCode).toBe(EXAMPLE_FALLBACK_OPENING_CODE);
  });
});

describe('resolveOpeningCode', () => {
  const table = [
    { formType: 'OCR', openingCode: 'CRIME' },
    { formType: '*', openingCode: 'ANY' },
  ];

  it('matches case-insensitively', () => {
    expect(resolveOpeningCode('ocr', table, 'FALLBACK')).toEqual({ openingCode: 'CRIME', matched: true });
  });

  it('falls back to the wildcard', () => {
    expect(resolveOpeningCode('ASB', table, 'FALLBACK')).toEqual({ openingCode: 'ANY', matched: true });
  });

  it('uses the fallback without a rule', () => {
    expect(resolveOpeningCode('ASB', table.slice(0, 1), 'FALLBACK')).toEqual({ openingCode: 'FALLBACK', matched: false });
  });
});

describe('formatLondonTime', () => {
  it('formats dd/mm/yyyy HH:mm', () => {
    expect(formatLondonTime({ original: '2023-06-12T15:09:33.880+01:00', londonLocal: '2023-06-12T15:09:33', flags: [] })).toBe('12/06/2023 15:09');
  });

  it('keeps the original when unparsed', () => {
    expect(formatLondonTime({ original: 'last Tuesday', flags: ['unparseable'] })).toBe('last Tuesday');
  });
});

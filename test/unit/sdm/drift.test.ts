import { parseSubmission } from '../../../core/sdm';
import { fixtureBytes, fixtureJson } from './fixtures';

function findings(body: string | Buffer) {
  const result = parseSubmission(body, { source: 'standard-api' });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.contact;
}

describe('schema drift', () => {
  test('drifted form still flows, marked for review', () => {
    const contact = findings(fixtureBytes('sdm/ocr-drifted-form.json'));
    expect(contact.drift.needsReview).toBe(true);
    const byPointer = Object.fromEntries(contact.drift.findings.map((finding) => [finding.pointer, finding.kind]));
    expect(byPointer).toEqual({
      '/data/attributes/scooterInvolved': 'unknown-attribute',
      '/included/0/attributes/UserAgent': 'renamed-field',
      '/included/1/attributes/gender': 'unknown-code',
      '/included/1/attributes/pronouns': 'unknown-attribute',
      '/included/3/type': 'unknown-entity-type',
      '/included/4/attributes/channelShiftType': 'unknown-code',
      '/included/5/attributes/town': 'renamed-field',
      '/data/relationships/reportedVia': 'unknown-relationship',
    });
  });

  test('nothing is dropped from drifted parts', () => {
    const contact = findings(fixtureBytes('sdm/ocr-drifted-form.json'));
    const scooter = contact.objects.find((object) => object.type === 'eScooter')!;
    expect(scooter.attributes).toMatchObject({ scooterSerialNumber: 'PE-AP-0099812' });
    expect(contact.incident.attributes.scooterInvolved).toBe(true);
    const person = contact.people[0];
    expect(person.gender).toEqual({ code: 'GNDR_0011', known: false });
    expect(person.attributes.pronouns).toBe('he/him');
    expect(contact.incident.location?.town).toBe('Leicester');
  });

  test('unknown code keeps the code', () => {
    const contact = findings(fixtureBytes('sdm/ocr-drifted-form.json'));
    const finding = contact.drift.findings.find((item) => item.pointer === '/included/1/attributes/gender')!;
    expect(finding.detail).toBe('The code GNDR_0011 is not in the GNDR code list we hold.');
    expect(finding.value).toBe('GNDR_0011');
  });

  test('missing submission fields reported', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    delete document.included[0].attributes.customerReferenceNumber;
    delete document.included[0].attributes.forceIdentifier;
    const contact = findings(JSON.stringify(document));
    expect(contact.drift.findings).toEqual([
      expect.objectContaining({ kind: 'missing-field', pointer: '/included/0/attributes/forceIdentifier' }),
      expect.objectContaining({ kind: 'missing-field', pointer: '/included/0/attributes/customerReferenceNumber' }),
    ]);
    expect(contact.submission.forceIdentifier).toBeUndefined();
  });

  test('wrong type on a known field is kept', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    document.data.attributes.hadWeapon = 'sometimes';
    document.data.attributes.incidentStartDateTime = 'last Tuesday';
    const contact = findings(JSON.stringify(document));
    expect(contact.drift.findings.map((finding) => [finding.kind, finding.pointer])).toEqual([
      ['unexpected-type', '/data/attributes/incidentStartDateTime'],
      ['unexpected-type', '/data/attributes/hadWeapon'],
    ]);
    expect(contact.incident.hadWeapon).toBeUndefined();
    expect(contact.incident.startTime).toEqual({ original: 'last Tuesday', flags: ['unparseable'] });
    expect(contact.incident.attributes.hadWeapon).toBe('sometimes');
  });

  test('numeric text force identifier', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    document.included[0].attributes.forceIdentifier = '42';
    const contact = findings(JSON.stringify(document));
    expect(contact.submission.forceIdentifier).toBe(42);
    expect(contact.drift.findings).toEqual([expect.objectContaining({ kind: 'unexpected-type', pointer: '/included/0/attributes/forceIdentifier' })]);
  });

  test('unknown top-level member', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    document.formVersion = '2026.1';
    const contact = findings(JSON.stringify(document));
    expect(contact.drift.findings).toEqual([expect.objectContaining({ kind: 'unknown-attribute', pointer: '/formVersion' })]);
  });

  test('attachment not given as a link', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    document.included.push({ id: 'object.attachment.1', type: 'attachment', attributes: { attachmentName: 'a.jpg', attachmentContent: 'iVBORw0KGgo=' } });
    const contact = findings(JSON.stringify(document));
    expect(contact.attachments).toEqual([]);
    expect(contact.drift.findings).toEqual([
      expect.objectContaining({ kind: 'unexpected-type', pointer: `/included/${document.included.length - 1}/attributes/attachmentContent` }),
    ]);
  });

  test('attachments as links', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    document.included.push({
      id: 'object.attachment.2',
      type: 'attachment',
      attributes: { attachmentName: 'window.jpg', attachmentMimeType: 'image/jpeg', attachmentContent: 'https://uploads.soh.example.org/media/ab12/window.jpg' },
    });
    const contact = findings(JSON.stringify(document));
    expect(contact.attachments).toEqual([
      { id: 'object.attachment.2', url: 'https://uploads.soh.example.org/media/ab12/window.jpg', fileName: 'window.jpg', contentType: 'image/jpeg' },
    ]);
  });
});

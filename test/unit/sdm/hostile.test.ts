import { parseSubmission, submissionIdProblem, type ParseResult } from '../../../core/sdm';
import { fixtureBytes, fixtureJson } from './fixtures';

const VALID = 'sdm/ocr-hate-crime-witness-welsh-names.json';

function parse(body: string | Buffer, limits?: { maxBytes?: number; maxDepth?: number }): ParseResult {
  return parseSubmission(body, { source: 'standard-api', limits });
}

function expectRejected(result: ParseResult, status: number, code: string, pointer?: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return undefined;
  expect(result.status).toBe(status);
  expect(result.errors[0].code).toBe(code);
  expect(result.errors[0].status).toBe(String(status));
  if (pointer !== undefined) expect(result.errors[0].source?.pointer).toBe(pointer);
  return result.errors;
}

describe('hostile bodies', () => {
  test('invalid JSON', () => {
    const errors = expectRejected(parse('{"data": {"id": "x",}'), 400, 'invalid-json');
    expect(errors![0].detail).toBe('The body is not valid JSON: expected a property name in double quotes at line 1, column 21.');
  });

  test('truncated JSON', () => {
    const body = fixtureBytes(VALID).subarray(0, 500);
    expectRejected(parse(body), 400, 'invalid-json');
  });

  test('missing field says missing', () => {
    const errors = expectRejected(parse(JSON.stringify({ data: { type: 'incident' } })), 422, 'invalid-document', '/data/id');
    expect(errors![0].detail).toBe('The value at /data/id is missing; a string is required there.');
  });

  test('empty body', () => {
    expectRejected(parse(''), 400, 'empty-body');
    expectRejected(parse(Buffer.from('   \n')), 400, 'empty-body');
  });

  test('invalid UTF-8', () => {
    expectRejected(parse(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])), 400, 'invalid-encoding');
  });

  test('top-level array', () => {
    expectRejected(parse('[1,2]'), 422, 'invalid-document', '');
  });

  test('neither SDM nor raw SOH', () => {
    expectRejected(parse('{"hello": "world"}'), 422, 'unrecognised-document', '');
  });

  test('body over the size limit', () => {
    const errors = expectRejected(parse(fixtureBytes(VALID), { maxBytes: 1000 }), 413, 'body-too-large');
    expect(errors![0].meta).toMatchObject({ maxBytes: 1000 });
  });

  test('huge body at the default limit', () => {
    const document = fixtureJson(VALID);
    document.data.attributes.incidentDescription = 'x'.repeat(6 * 1024 * 1024);
    expectRejected(parse(JSON.stringify(document)), 413, 'body-too-large');
  });

  test('deeply nested body', () => {
    const document = fixtureJson(VALID);
    let nested: Record<string, unknown> = {};
    document.data.attributes.extra = nested;
    for (let depth = 0; depth < 100; depth++) {
      const child = {};
      nested.a = child;
      nested = child;
    }
    const pointer = '/data/attributes/extra' + '/a'.repeat(29);
    expectRejected(parse(JSON.stringify(document)), 422, 'too-deeply-nested', pointer);
  });

  test('extremely deep arrays do not overflow the stack', () => {
    expectRejected(parse('['.repeat(200000) + ']'.repeat(200000)), 422, 'too-deeply-nested', '/0'.repeat(32));
  });

  test('wrong type for data', () => {
    const document = fixtureJson(VALID);
    document.data.type = 'person';
    expectRejected(parse(JSON.stringify(document)), 422, 'invalid-document', '/data/type');
  });

  test('wrong type for included', () => {
    const document = fixtureJson(VALID);
    document.included = { not: 'an array' };
    expectRejected(parse(JSON.stringify(document)), 422, 'invalid-document', '/included');
  });

  test('relationship id not text', () => {
    const document = fixtureJson(VALID);
    document.data.relationships.victim.data[0].id = 12345;
    expectRejected(parse(JSON.stringify(document)), 422, 'invalid-document', '/data/relationships/victim/data');
  });

  test('dangling relationship id', () => {
    const document = fixtureJson(VALID);
    document.data.relationships.victim.data[0].id = 'person.victim.999';
    const errors = expectRejected(parse(JSON.stringify(document)), 422, 'dangling-relationship', '/data/relationships/victim/data/0/id');
    expect(errors![0].detail).toBe('The relationship "victim" points to "person.victim.999", which is not in "included".');
  });

  test('dangling nested relationship', () => {
    const document = fixtureJson(VALID);
    document.included[1].relationships.personalEmail.data = { id: 'object.emailAddress.0', type: 'email' };
    expectRejected(parse(JSON.stringify(document)), 422, 'dangling-relationship', '/included/1/relationships/personalEmail/data/id');
  });

  test('duplicate resource ids', () => {
    const document = fixtureJson(VALID);
    document.included.push({ ...document.included[5] });
    const errors = expectRejected(parse(JSON.stringify(document)), 422, 'duplicate-id', `/included/${document.included.length - 1}/id`);
    expect(errors![0].detail).toContain('/included/5');
  });

  test('duplicate property names', () => {
    const body = fixtureBytes(VALID).toString('utf8').replace('"category": "OCR",', '"category": "OCR", "category": "ASB",');
    expectRejected(parse(body), 422, 'duplicate-key', '/included/0/attributes/category');
  });

  test('missing submission relationship', () => {
    const document = fixtureJson(VALID);
    delete document.data.relationships.submission;
    expectRejected(parse(JSON.stringify(document)), 422, 'missing-submission', '/data/relationships/submission');
  });

  test('second, unlinked submission', () => {
    const document = fixtureJson(VALID);
    const linked = document.included.find((resource: { type: string }) => resource.type === 'submission');
    document.included.push({ ...linked, id: 'event.submission.second', attributes: { ...linked.attributes, submissionId: 'second-submission' } });
    const errors = expectRejected(parse(JSON.stringify(document)), 422, 'multiple-submissions', `/included/${document.included.length - 1}/type`);
    expect(errors![0].detail).toContain('"event.submission.second" is a second submission resource');
  });

  test('second incident in included', () => {
    const document = fixtureJson(VALID);
    document.included.push({ type: 'incident', id: 'event.incident.second', attributes: {} });
    expectRejected(parse(JSON.stringify(document)), 422, 'multiple-incidents', `/included/${document.included.length - 1}/type`);
  });

  test('missing submission id', () => {
    const document = fixtureJson(VALID);
    delete document.included[0].attributes.submissionId;
    expectRejected(parse(JSON.stringify(document)), 422, 'missing-submission-id', '/included/0/attributes/submissionId');
  });

  test('submission id of the wrong type', () => {
    const document = fixtureJson(VALID);
    document.included[0].attributes.submissionId = 12345;
    expectRejected(parse(JSON.stringify(document)), 422, 'invalid-submission-id', '/included/0/attributes/submissionId');
  });

  test('raw SOH form without submission id', () => {
    const document = fixtureJson('raw-soh/asb-spring-forward-gap.json');
    delete document.submission.submissionId;
    expectRejected(parse(JSON.stringify(document)), 422, 'missing-submission-id', '/submission/submissionId');
  });

  test.each(['__proto__', 'constructor', 'prototype'])('%s key is rejected', (key) => {
    const body = fixtureBytes(VALID).toString('utf8').replace('"incidentInvolvement"', `"${key}": {"polluted": true}, "incidentInvolvement"`);
    expectRejected(parse(body), 422, 'forbidden-key', `/data/attributes/${key}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('number too large to store', () => {
    const body = fixtureBytes(VALID).toString('utf8').replace('"category": "OCR",', '"category": "OCR", "easting": 1e999,');
    const errors = expectRejected(parse(body), 422, 'number-out-of-range', '/included/0/attributes/easting');
    expect(errors![0].detail).toContain('1e999');
  });

  test('NUL character rejected with its field', () => {
    const document = fixtureJson(VALID);
    document.included[5].attributes.surname = 'ap\u0000Gruffydd';
    const errors = expectRejected(parse(JSON.stringify(document)), 422, 'invalid-character', '/included/5/attributes/surname');
    expect(errors![0].detail).toContain('U+0000');
  });

  test('bidi override kept and flagged', () => {
    const document = fixtureJson(VALID);
    document.data.attributes.incidentDescription = 'Paid \u202Eregdel\u202C into account 12345678';
    const result = parse(JSON.stringify(document));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.incident.description).toBe('Paid \u202Eregdel\u202C into account 12345678');
    expect(result.contact.drift.needsReview).toBe(true);
    expect(result.contact.drift.findings).toEqual([
      expect.objectContaining({ kind: 'suspicious-character', pointer: '/data/attributes/incidentDescription' }),
    ]);
  });
});

describe('encodings', () => {
  const text = fixtureBytes(VALID).toString('utf8');

  test('UTF-8 with byte-order mark', () => {
    const result = parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.people[1].givenName).toBe('Siôn Dafydd');
  });

  test('UTF-16 little-endian with byte-order mark', () => {
    const result = parse(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.submission.id).toBe('3c1d6f0e-8b7a-4c39-9e52-0a4f6d2b7c11');
  });

  test.each([
    ['little', (text: string) => Buffer.from(text, 'utf16le')],
    ['big', (text: string) => Buffer.from(text, 'utf16le').swap16()],
  ])('UTF-16 %s-endian without byte-order mark', (_label, encode) => {
    const result = parse(encode(fixtureBytes(VALID).toString('utf8')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.people[0].familyName).toBe('Llŷr-Prys');
  });

  test('UTF-16 big-endian with byte-order mark', () => {
    const littleEndian = Buffer.from(text, 'utf16le');
    const bigEndian = Buffer.alloc(littleEndian.length);
    for (let index = 0; index < littleEndian.length; index += 2) {
      bigEndian[index] = littleEndian[index + 1];
      bigEndian[index + 1] = littleEndian[index];
    }
    const result = parse(Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.people[0].familyName).toBe('Llŷr-Prys');
  });
});

describe('submission id limits', () => {
  test('over-long submission id', () => {
    const document = fixtureJson(VALID);
    document.included[0].attributes.submissionId = 'a'.repeat(201);
    const errors = expectRejected(parse(JSON.stringify(document)), 422, 'invalid-submission-id', '/included/0/attributes/submissionId');
    expect(errors![0].detail).toContain('at most 200 characters');
  });

  test('submission id with a bidi override', () => {
    const document = fixtureJson(VALID);
    document.included[0].attributes.submissionId = 'a9e3d7c5\u202e88e3f1a2';
    expectRejected(parse(JSON.stringify(document)), 422, 'invalid-submission-id', '/included/0/attributes/submissionId');
  });

  test('submission id with a line break', () => {
    const document = fixtureJson(VALID);
    document.included[0].attributes.submissionId = 'abc\ndef';
    expectRejected(parse(JSON.stringify(document)), 422, 'invalid-submission-id', '/included/0/attributes/submissionId');
  });
});

describe('submissionIdProblem', () => {
  test.each([
    [undefined, 'is missing'],
    ['   ', 'is missing'],
    [{ value: 'sub-1' }, 'is an object, not text'],
    [['sub-1'], 'is an array, not text'],
    [42, 'is a number, not text'],
    [true, 'is a boolean, not text'],
    ['a'.repeat(201), 'is 201 characters long; the limit is 200'],
    ['sub\u007f1', 'contains control characters such as line breaks'],
    ['sub-1\u202e2-bus', 'contains invisible or bidirectional formatting characters'],
    ['sub-\u200b1', 'contains invisible or bidirectional formatting characters'],
  ])('rejects %p', (value, problem) => {
    expect(submissionIdProblem(value)).toBe(problem);
  });

  test('accepts a UUID', () => {
    expect(submissionIdProblem('a9e3d7c5-1b2f-4e6a-9d08-7c4b2a1f3e88')).toBeUndefined();
  });
});

import axios from 'axios';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { CanonicalContact, ContactPerson } from '../../../core/contact/types';
import type { PersonDecision } from '../../../core/pole';
import { parseSubmission } from '../../../core/sdm';
import { retryInfoFromError } from '../../../nodes/shared/http';
import { SimulatorClient } from '../../../simulators/common';
import { startAthenaSimulator, type AthenaSimulator } from '../../../simulators/athena/server';
import { runAthenaWriter, type RunOptions } from './athenaWriterHarness';

const API_KEY = 'writer-test-key';
let directory: string;
let simulator: AthenaSimulator;
let control: SimulatorClient;

interface Counts {
  occurrences: number;
  nominals: number;
  links: number;
  descriptions: number;
}

const counts = async (): Promise<Counts> => {
  const stats = await control.stats<Counts & IDataObject>();
  return { occurrences: stats.occurrences, nominals: stats.nominals, links: stats.links, descriptions: stats.descriptions };
};

function basePerson(overrides: Partial<ContactPerson>): ContactPerson {
  return { id: 'person.x.1', roles: ['victim'], emails: [], phones: [], description: {}, policeIdentifiers: {}, attributes: {}, ...overrides };
}

const reporter = (overrides: Partial<ContactPerson> = {}): ContactPerson =>
  basePerson({
    id: 'person.personReporting.1577683966',
    roles: ['personReporting', 'victim'],
    givenName: 'Kieran',
    familyName: 'Lowther',
    dateOfBirth: '1996-03-11',
    gender: { code: 'GNDR_0003', en: 'Male', known: true },
    phones: ['07700 900123'],
    emails: ['kieran.lowther@example.com'],
    homeAddress: { buildingNumber: '12', street: 'Moulsham Street', town: 'Chelmsford', postcode: 'CM2 0HU' },
    ...overrides,
  });

const maleOnlySuspect = (): ContactPerson =>
  basePerson({ id: 'person.unknownSuspect.722925255', roles: ['unknownSuspect'], gender: { code: 'GNDR_0003', en: 'Male', known: true }, description: { freeText: 'male' } });

function contact(submissionId: string, people: ContactPerson[]): CanonicalContact {
  return {
    contactItemVersion: 1,
    source: 'standard-api',
    formType: 'OCR',
    formTypeLabel: 'Report a crime',
    submission: { id: submissionId, customerReferenceNumber: 'TYA-1-23-0100-000', forceIdentifier: 42, submitTime: { original: '2026-12-04T10:00:00.000Z', utc: '2026-12-04T10:00:00.000Z', flags: [] } },
    incident: { description: 'I was pushed over outside the station.', startTime: { original: '2026-12-03T21:00:00Z', utc: '2026-12-03T21:00:00.000Z', flags: [] }, attributes: {} },
    people,
    objects: [
      { id: 'object.bicycle.1', type: 'bicycle', summary: 'Bicycle: Raleigh, red', attributes: { make: 'Raleigh' } },
      { id: 'object.phoneNumber.2', type: 'telephone', summary: 'Telephone 07700 900123', attributes: {} },
    ],
    locations: [{ id: 'location.incident.1', kind: 'incident', address: { street: 'Station Approach', town: 'Chelmsford', postcode: 'CM1 1HT' } }],
    attachments: [],
    drift: { needsReview: false, findings: [] },
    receivedAt: '2026-12-04T10:00:01.000Z',
    bodySha256: 'a'.repeat(64),
    original: {},
  };
}

const item = (json: CanonicalContact, extra: IDataObject = {}): INodeExecutionData => ({ json: { ...(json as unknown as IDataObject), ...extra } });

function run(items: INodeExecutionData[], parameters: IDataObject = {}, extra: Partial<RunOptions> = {}) {
  return runAthenaWriter({
    parameters: { operation: 'createOccurrence', referenceField: 'reference', requestOptions: { baseDelayMs: 10, timeoutMs: 2000 }, ...parameters },
    credentials: { baseUrl: simulator.url, authType: 'apiKey', apiKey: API_KEY },
    items,
    ...extra,
  });
}

const decisionsOf = (output: INodeExecutionData) => (output.json.athena as { personDecisions: PersonDecision[] }).personDecisions;

async function seedNominal(body: IDataObject): Promise<string> {
  const response = await axios.post(`${simulator.url}/api/v1/nominals`, { emails: [], phones: [], policeIdentifiers: {}, ...body }, { headers: { 'X-API-Key': API_KEY, 'Idempotency-Key': `seed-${Math.random()}` } });
  return response.data.id;
}

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'athena-writer-'));
  simulator = await startAthenaSimulator({ databasePath: join(directory, 'athena.sqlite'), port: 0, apiKeys: [API_KEY], oauthClients: { hub: 'hub-secret' } });
  control = new SimulatorClient(simulator.url);
});

afterEach(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('Athena Writer create occurrence', () => {
  test('"male"-only suspect creates no person', async () => {
    const { outputs } = await run([item(contact('sub-male', [reporter(), maleOnlySuspect()]), { reference: '42/00001/26' })]);
    const [written, review] = outputs;
    expect(written).toHaveLength(1);
    expect(review).toHaveLength(0);

    const decisions = decisionsOf(written[0]);
    expect(decisions.map((decision) => decision.action)).toEqual(['create', 'attach-as-text']);
    expect(decisions[1].explanation).toMatch(/^Unknown suspect \(person\.unknownSuspect\.722925255\) does not meet the unknown-suspect standard/);
    expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 1, descriptions: 1 });

    const dump = await control.get<{ occurrences: Array<{ descriptions: Array<{ text: string; externalKeys: IDataObject }>; objects: unknown[]; externalKeys: IDataObject }> }>('/__sim/dump');
    const occurrence = dump.occurrences[0];
    expect(occurrence.externalKeys).toEqual({ submissionId: 'sub-male', forceReference: '42/00001/26' });
    expect(occurrence.descriptions[0].text).toMatch(/Further description: male/);
    expect(occurrence.descriptions[0].externalKeys).toEqual({ submissionId: 'sub-male', forceReference: '42/00001/26', sourceId: 'person.unknownSuspect.722925255' });
    expect(occurrence.objects).toHaveLength(1);
  });

  test('same reporter twice is linked, not duplicated', async () => {
    await run([item(contact('sub-first', [reporter()]))]);
    const { outputs } = await run([item(contact('sub-second', [reporter({ phones: ['+44 7700 900123'] })]))]);
    const [decision] = decisionsOf(outputs[0][0]);
    expect(decision.action).toBe('link');
    expect(decision.explanation).toMatch(/matches existing nominal NOM-000001/);
    expect(await counts()).toEqual({ occurrences: 2, nominals: 1, links: 2, descriptions: 0 });
  });

  test('same name, different date of birth stay two', async () => {
    await run([item(contact('sub-a', [reporter({ emails: ['k.lowther.a@example.com'], phones: ['07700 900201'] })]))]);
    const { outputs } = await run([item(contact('sub-b', [reporter({ dateOfBirth: '1971-09-23', emails: ['k.lowther.b@example.com'], phones: ['07700 900202'], homeAddress: { postcode: 'NR1 3JU' } })]))]);
    const [decision] = decisionsOf(outputs[0][0]);
    expect(decision.action).toBe('create');
    expect(decision.match?.reasons.join(' ')).toMatch(/date of birth differs/);
    expect((await counts()).nominals).toBe(2);
  });

  test('re-run of the same item creates nothing twice', async () => {
    const input = [item(contact('sub-rerun', [reporter(), maleOnlySuspect()]))];
    const first = await run(input);
    const second = await run(input);
    expect((second.outputs[0][0].json.athena as IDataObject).replayed).toBe(true);
    expect((second.outputs[0][0].json.athena as IDataObject).occurrenceId).toBe((first.outputs[0][0].json.athena as IDataObject).occurrenceId);
    expect(decisionsOf(second.outputs[0][0]).map((decision) => decision.action)).toEqual(['create', 'attach-as-text']);
    expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 1, descriptions: 1 });
  });

  test('re-run after a timeout creates nothing twice', async () => {
    const input = [item(contact('sub-timeout', [reporter()]))];
    // The trailing slash limits the fault to writes under an occurrence, here the nominal link.
    await control.setFault({ mode: 'delay', delayMs: 1500, count: 1, pathPrefix: '/api/v1/occurrences/' });
    const failure = await run(input, { requestOptions: { maxAttempts: 1, timeoutMs: 300, baseDelayMs: 10 } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(retryInfoFromError(failure).retryable).toBe(true);
    expect((await counts()).nominals).toBe(1);

    // Let the delayed request finish on the server, as a real slow Athena would.
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const second = await run(input);
    expect(decisionsOf(second.outputs[0][0])[0].action).toBe('create');
    expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 1, descriptions: 0 });
  });

  test('re-run after a lost nominal response creates nothing twice', async () => {
    const input = [item(contact('sub-lost', [reporter()]))];
    await control.setFault({ mode: 'store-then-drop', count: 1, pathPrefix: '/api/v1/nominals' });
    await expect(run(input, { requestOptions: { maxAttempts: 1, baseDelayMs: 10 } })).rejects.toThrow();
    const second = await run(input);
    const [decision] = decisionsOf(second.outputs[0][0]);
    expect(decision.action).toBe('create');
    expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 1, descriptions: 0 });
  });

  test('unsure match goes to person review', async () => {
    const existing = await seedNominal({ kind: 'known', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1996-03-11', gender: 'GNDR_0003', homeAddress: { postcode: 'CM2 0HU' }, externalKeys: { submissionId: 'older' } });
    const submitted = reporter({ dateOfBirth: undefined, age: 30, emails: ['kl.new@example.com'], phones: ['07700 900555'] });
    const { outputs } = await run([item(contact('sub-review', [submitted]), { reference: '42/00077/26' })]);
    const [written, review] = outputs;

    expect(decisionsOf(written[0])[0].action).toBe('review');
    expect(review).toHaveLength(1);
    expect(review[0].pairedItem).toEqual({ item: 0 });
    const detail = review[0].json.review as IDataObject;
    expect(detail.personId).toBe(submitted.id);
    expect((detail.person as IDataObject).age).toBe(30);
    expect((detail.candidate as IDataObject).id).toBe(existing);
    expect(detail.occurrenceId).toBe((written[0].json.athena as IDataObject).occurrenceId);
    expect(review[0].json.reference).toBe('42/00077/26');
    expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 0, descriptions: 0 });
  });

  test('Welsh names with diacritics match', async () => {
    const existing = await seedNominal({ kind: 'known', givenName: 'Sian', familyName: 'Ap Rhys', dateOfBirth: '1988-02-29', gender: 'GNDR_0001', externalKeys: { submissionId: 'older' }, emails: ['sian.old@example.com'] });
    const submitted = reporter({ givenName: 'Siân', familyName: 'ap-Rhŷs', dateOfBirth: '1988-02-29', gender: { code: 'GNDR_0001', known: true }, emails: ['sian@example.com'], phones: [] });
    const { outputs } = await run([item(contact('sub-welsh', [submitted]))]);
    const [decision] = decisionsOf(outputs[0][0]);
    expect(decision.action).toBe('link');
    expect(decision.nominalId).toBe(existing);
  });

  test('shared household phone never merges', async () => {
    await seedNominal({ kind: 'known', givenName: 'Elaine', familyName: 'Lowther', dateOfBirth: '1968-07-02', gender: 'GNDR_0001', phones: ['+447700900123'], externalKeys: { submissionId: 'older' } });
    const { outputs } = await run([item(contact('sub-household', [reporter({ emails: [] })]))]);
    const [decision] = decisionsOf(outputs[0][0]);
    expect(decision.action).not.toBe('link');
    expect((await counts()).links).toBe(decision.action === 'create' ? 1 : 0);
  });

  test('OAuth2 credential fetches a token', async () => {
    const result = await runAthenaWriter({
      parameters: { operation: 'createOccurrence', requestOptions: { baseDelayMs: 10 } },
      credentials: { baseUrl: simulator.url, authType: 'oauth2', clientId: 'hub', clientSecret: 'hub-secret' },
      items: [item(contact('sub-oauth', [reporter()]))],
    });
    expect(result.tokenRequests).toBe(1);
    expect(result.outputs[0]).toHaveLength(1);
  });

  test('missing submission id names the field', async () => {
    const broken = contact('x', []) as unknown as IDataObject;
    delete (broken.submission as IDataObject).id;
    await expect(run([{ json: broken }])).rejects.toThrow('Item 0 has no valid submission.id: expected a non-empty string');
  });

  test('object submission id names the field', async () => {
    const broken = contact('x', []) as unknown as IDataObject;
    (broken.submission as IDataObject).id = { value: 'sub-object' };
    await expect(run([{ json: broken }])).rejects.toThrow('Item 0 has no valid submission.id: expected a non-empty string of at most 200 characters without control or formatting characters, but it is an object, not text');
  });

  test.each([
    ['name as a number', { givenName: 42 }, 'people[0].givenName: expected text'],
    ['phone as a number', { phones: [7700900123] }, 'people[0].phones: expected an array of text'],
    ['unknown role', { roles: ['overlord'] }, 'people[0].roles: expected roles from victim, witness, personReporting, knownSuspect, unknownSuspect, not "overlord"'],
  ])('%s names the field', async (_label, change, expected) => {
    const broken = contact('sub-shape', [{ ...reporter(), ...change } as unknown as ContactPerson]) as unknown as IDataObject;
    await expect(run([{ json: broken }])).rejects.toThrow(`Item 0 has no valid ${expected}`);
  });

  test('review threshold above link threshold is rejected', async () => {
    await expect(run([item(contact('sub-thresholds', [reporter()]))], { matching: { linkThreshold: 40, reviewThreshold: 60 } })).rejects.toThrow(
      'Review Threshold 60 is above Link Threshold 40',
    );
  });

  test('lower link threshold links the unsure match', async () => {
    const existing = await seedNominal({ kind: 'known', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1996-03-11', gender: 'GNDR_0003', homeAddress: { postcode: 'CM2 0HU' }, externalKeys: { submissionId: 'older' } });
    const submitted = reporter({ dateOfBirth: undefined, age: 30, emails: ['kl.new@example.com'], phones: ['07700 900555'] });
    const { outputs } = await run([item(contact('sub-low', [submitted]))], { matching: { linkThreshold: 50 } });
    const [decision] = decisionsOf(outputs[0][0]);
    expect(decision.action).toBe('link');
    expect(decision.nominalId).toBe(existing);
    expect(outputs[1]).toHaveLength(0);
  });

  test('person without a role is rejected', async () => {
    await expect(run([item(contact('sub-norole', [reporter({ roles: [] })]))])).rejects.toThrow(
      'Item 0 has no valid people[0].roles: expected at least one role',
    );
    expect((await counts()).occurrences).toBe(0);
  });

  test('continue on fail keeps going', async () => {
    const broken = { ...(contact('x', []) as unknown as IDataObject), people: 'nobody' };
    const { outputs } = await run([{ json: broken }, item(contact('sub-ok', [reporter()]))], {}, { continueOnFail: true });
    expect(outputs[0]).toHaveLength(2);
    const error = outputs[0][0].json.error as IDataObject;
    expect(error.message).toBe('Item 0 has no valid people: expected an array');
    expect(error).toMatchObject({ submissionId: 'x', operation: 'createOccurrence', retryable: false });
    expect((outputs[0][0].json.manualHandling as IDataObject).code).toBe('athena-write-failed');
    expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
    expect((outputs[0][1].json.athena as IDataObject).occurrenceId).toBe('OCC-000001');
  });

  test('logs carry ids, never personal data', async () => {
    const { logs } = await run([item(contact('sub-logs', [reporter(), maleOnlySuspect()]), { reference: '42/00002/26' })]);
    const text = JSON.stringify(logs);
    expect(text).toMatch(/sub-logs/);
    expect(text).not.toMatch(/Kieran|Lowther|7700|example\.com|Moulsham/);
  });
});

describe('Athena Writer failures', () => {
  test('retryable failure gets no manual handling', async () => {
    await control.setFault({ mode: '503', retryAfterSeconds: 0 });
    const { outputs } = await run([item(contact('sub-down', [reporter()]))], { requestOptions: { maxAttempts: 2, baseDelayMs: 10 } }, { continueOnFail: true });
    const error = outputs[0][0].json.error as IDataObject;
    expect(error).toMatchObject({ submissionId: 'sub-down', retryable: true, attempts: 2 });
    expect(error.message).toMatch(/^Athena failed to find occurrences for sub-down: HTTP 503/);
    expect(outputs[0][0].json.manualHandling).toBeUndefined();
  });
});

describe('Athena Writer with parsed SDM documents', () => {
  test('every intake fixture writes cleanly, twice', async () => {
    const folder = join(__dirname, '..', '..', 'fixtures', 'sdm');
    const contacts = readdirSync(folder)
      .map((name) => parseSubmission(readFileSync(join(folder, name)), { source: 'standard-api' }))
      .flatMap((result) => (result.ok ? [result.contact] : []));
    expect(contacts.length).toBeGreaterThan(3);

    const items = contacts.map((parsed) => item(parsed));
    const first = await run(items);
    const decisions = first.outputs[0].flatMap((output) => decisionsOf(output));
    const created = decisions.filter((decision) => decision.action === 'create').length;
    const linked = decisions.filter((decision) => decision.action === 'link').length;
    const described = decisions.filter((decision) => decision.action === 'attach-as-text').length;
    const afterFirst = await counts();
    expect(afterFirst).toEqual({ occurrences: contacts.length, nominals: created, links: created + linked, descriptions: described });

    await run(items);
    expect(await counts()).toEqual(afterFirst);
  });
});

describe('Athena Writer fault modes', () => {
  const modes = [
    { mode: 'delay', delayMs: 200 },
    { mode: '429', retryAfterSeconds: 0 },
    { mode: '500' },
    { mode: '503', retryAfterSeconds: 0 },
    { mode: 'drop' },
    { mode: 'store-then-drop' },
  ] as const;

  test.each(modes)('$mode on every write path', async (fault) => {
    for (const pathPrefix of ['/api/v1/occurrences', '/api/v1/nominals']) {
      await control.reset();
      await control.setFault({ ...fault, count: 1, pathPrefix });
      const { outputs } = await run([item(contact(`sub-${fault.mode}`, [reporter(), maleOnlySuspect()]))]);
      expect(decisionsOf(outputs[0][0]).map((decision) => decision.action)).toEqual(['create', 'attach-as-text']);
      expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 1, descriptions: 1 });
    }
  });

  test('400-class errors are not retried', async () => {
    const submitted = reporter();
    const input = item(contact('sub-422', [submitted]));
    (input.json.incident as IDataObject).startTime = { original: 'x', utc: 'not-a-time', flags: [] };
    await expect(run([input])).rejects.toThrow(/Athena failed to create the occurrence for submission sub-422: HTTP 422/);
    const stats = await control.stats();
    expect(stats.occurrences).toBe(0);
  });
});

describe('Athena Writer other operations', () => {
  test('add description, link reviewed nominal, get', async () => {
    const existing = await seedNominal({ kind: 'known', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1996-03-11', gender: 'GNDR_0003', homeAddress: { postcode: 'CM2 0HU' }, externalKeys: { submissionId: 'older' } });
    const submitted = reporter({ dateOfBirth: undefined, age: 30, emails: ['kl.new@example.com'], phones: ['07700 900555'] });
    const created = await run([item(contact('sub-ops', [submitted]))]);
    const reviewItem = created.outputs[1][0];

    const linked = await run([reviewItem], { operation: 'addToOccurrence', occurrenceId: (reviewItem.json.review as IDataObject).occurrenceId, submissionId: 'sub-ops', addType: 'linkNominal', nominalId: existing, roles: [] });
    const added = (linked.outputs[0][0].json.athena as IDataObject).added as IDataObject;
    expect(added.nominalId).toBe(existing);
    expect(added.roles).toEqual(['personReporting', 'victim']);

    const occurrenceId = (reviewItem.json.review as IDataObject).occurrenceId as string;
    const described = await run([reviewItem], { operation: 'addToOccurrence', occurrenceId, submissionId: 'sub-ops', addType: 'description', text: 'Caller rang back with more detail.' });
    expect(((described.outputs[0][0].json.athena as IDataObject).added as IDataObject).type).toBe('description');

    const read = await run([{ json: {} }], { operation: 'getOccurrence', occurrenceId });
    expect((read.outputs[0][0].json.nominalLinks as IDataObject[]).map((link) => link.nominalId)).toEqual([existing]);
    expect(read.outputs[0][0].json.descriptions as IDataObject[]).toHaveLength(1);
    expect(await counts()).toEqual({ occurrences: 1, nominals: 1, links: 1, descriptions: 1 });
  });

  test('reviewer may link another nominal after the first', async () => {
    const first = await seedNominal({ kind: 'known', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1996-03-11', gender: 'GNDR_0003', homeAddress: { postcode: 'CM2 0HU' }, externalKeys: { submissionId: 'older' } });
    const second = await seedNominal({ kind: 'known', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1993-01-05', gender: 'GNDR_0003', homeAddress: { postcode: 'NR1 3JU' }, externalKeys: { submissionId: 'older-2' } });
    const submitted = reporter({ dateOfBirth: undefined, age: 30, emails: ['kl.new@example.com'], phones: ['07700 900555'] });
    const created = await run([item(contact('sub-relink', [submitted]))]);
    const reviewItem = created.outputs[1][0];
    const occurrenceId = (reviewItem.json.review as IDataObject).occurrenceId;

    for (const nominalId of [first, second]) {
      await run([reviewItem], { operation: 'addToOccurrence', occurrenceId, submissionId: 'sub-relink', addType: 'linkNominal', nominalId, roles: [] });
    }
    expect((await counts()).links).toBe(2);
  });

  test('new nominal for a reviewed person', async () => {
    await seedNominal({ kind: 'known', givenName: 'Kieran', familyName: 'Lowther', dateOfBirth: '1996-03-11', gender: 'GNDR_0003', homeAddress: { postcode: 'CM2 0HU' }, externalKeys: { submissionId: 'older' } });
    const submitted = reporter({ dateOfBirth: undefined, age: 30, emails: ['kl.new@example.com'], phones: ['07700 900555'] });
    const created = await run([item(contact('sub-new', [submitted]))]);
    const reviewItem = created.outputs[1][0];
    const occurrenceId = (reviewItem.json.review as IDataObject).occurrenceId;

    const params = { operation: 'addToOccurrence', occurrenceId, submissionId: 'sub-new', addType: 'createNominal', personField: 'review.person', roles: [] };
    await run([reviewItem], params);
    await run([reviewItem], params);
    expect(await counts()).toEqual({ occurrences: 1, nominals: 2, links: 1, descriptions: 0 });
  });

  test('get of a missing occurrence fails with 404', async () => {
    await expect(run([{ json: {} }], { operation: 'getOccurrence', occurrenceId: 'OCC-999999' })).rejects.toThrow(/Athena failed to get occurrence OCC-999999: HTTP 404/);
  });
});

/**
 * Core library rates, each beside a baseline of the same input's bare `JSON.parse` where one
 * applies: SDM parse, validate and normalise for a small (about 5 KB) and a large (about 200 KB)
 * document, person-rule evaluation and nominal matching, and reference rendering.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContactPerson } from '../../core/contact/types';
import { evaluatePerson, matchNominal, type NominalCandidate } from '../../core/pole';
import { allocationKeys, compileReferenceFormat, renderReference } from '../../core/reference';
import { parseSubmission } from '../../core/sdm';
import type { Recorder } from '../lib/results';
import { rateFor } from '../lib/timing';

export interface CoreSettings {
  /** How long each rate is measured in one repeat, in milliseconds. */
  durationMs: number;
}

export const DEFAULT_CORE_SETTINGS: CoreSettings = { durationMs: 2_000 };

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'sdm');
const SMALL_FIXTURE = 'ocr-business-victim-stolen-bicycle.json';
const LARGE_SOURCE_FIXTURE = 'ocr-hate-crime-witness-welsh-names.json';
const LARGE_TARGET_BYTES = 200 * 1024;

interface Resource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: Array<{ id: string; type: string }> }>;
}

interface SdmFixture {
  data: Resource;
  included: Resource[];
}

export function smallDocument(): Buffer {
  return readFileSync(join(FIXTURES, SMALL_FIXTURE));
}

/**
 * Builds a valid SDM document of at least 200 KB from a fixture: the reporting person copied as
 * extra witnesses (each with their own address, phone and email resources) and a long narrative.
 * This is the shape of a large real submission (many people, long free text).
 */
export function largeDocument(): Buffer {
  const document = JSON.parse(readFileSync(join(FIXTURES, LARGE_SOURCE_FIXTURE), 'utf8')) as SdmFixture;
  const byId = new Map(document.included.map((resource) => [resource.id, resource]));
  const reporter = document.data.relationships!.personReporting.data[0];
  const template = byId.get(reporter.id)!;
  const witnesses = document.data.relationships!.witness.data;

  const narrative = String(document.data.attributes.incidentDescription ?? '');
  document.data.attributes.incidentDescription = Array.from({ length: 40 }, (_, index) => `Part ${index + 1}: ${narrative}`).join('\n');

  for (let copy = 1; Buffer.byteLength(JSON.stringify(document)) < LARGE_TARGET_BYTES; copy++) {
    const relationships: Resource['relationships'] = {};
    for (const [name, relation] of Object.entries(template.relationships ?? {})) {
      relationships[name] = {
        data: relation.data.map((link) => {
          const original = byId.get(link.id)!;
          const id = `${link.id}${copy}`;
          document.included.push({ ...original, id, attributes: { ...original.attributes } });
          return { id, type: link.type };
        }),
      };
    }
    const id = `person.witness.${900000 + copy}`;
    document.included.push({ ...template, id, attributes: { ...template.attributes, givenName: `Witness${copy}` }, relationships });
    witnesses.push({ id, type: 'person' });
  }
  return Buffer.from(JSON.stringify(document));
}

const PERSON: ContactPerson = {
  id: 'person.personReporting.1',
  roles: ['personReporting'],
  givenName: 'Siân',
  familyName: 'Ap-Rhys',
  dateOfBirth: '1988-02-29',
  gender: { code: 'GNDR_0001', known: true },
  emails: ['sian@example.com'],
  phones: ['07700 900123'],
  homeAddress: { postcode: 'CM1 1AA' },
  description: {},
  policeIdentifiers: {},
  attributes: {},
};

function candidate(index: number): NominalCandidate {
  return {
    id: `NOM-${index}`,
    givenName: index % 2 === 0 ? 'Sian' : 'Megan',
    familyName: index % 3 === 0 ? 'ap Rhys' : 'Ellis',
    dateOfBirth: `19${String(50 + (index % 50)).padStart(2, '0')}-0${1 + (index % 9)}-1${index % 9}`,
    gender: 'GNDR_0001',
    emails: [`person${index}@example.com`],
    phones: [`+4477009${String(index % 100000).padStart(5, '0')}`],
    policeIdentifiers: {},
  };
}

function parseOrThrow(body: Buffer, name: string): void {
  const result = parseSubmission(body, { source: 'standard-api' });
  if (!result.ok) throw new Error(`The ${name} benchmark document was rejected: ${result.errors[0]?.detail}`);
}

export async function runCoreSuite(recorder: Recorder, repeats: number, settings: CoreSettings = DEFAULT_CORE_SETTINGS): Promise<Record<string, unknown>> {
  const documents = [
    { size: 'small', body: smallDocument() },
    { size: 'large', body: largeDocument() },
  ];
  for (const { size, body } of documents) parseOrThrow(body, size);
  const candidates = Array.from({ length: 10 }, (_, index) => candidate(index));
  const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:7}/{YY}', forceCode: '42', resetPeriod: 'yearly', checkCharacter: true });
  const { date } = allocationKeys(format, new Date());
  const { durationMs } = settings;

  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const { size, body } of documents) {
      const kb = Math.round(body.byteLength / 1024);
      const group = 'SDM intake parsing (parse, validate, normalise)';
      const baselineId = `core.sdm.${size}.json-parse`;
      recorder.record(
        { id: baselineId, suite: 'core', group, label: `${size} document (${kb} KB): bare JSON.parse (baseline)`, unit: 'ops/s', better: 'higher' },
        rateFor(durationMs, () => JSON.parse(body.toString('utf8')), 16),
      );
      recorder.record(
        { id: `core.sdm.${size}.parse`, suite: 'core', group, label: `${size} document (${kb} KB): parseSubmission`, unit: 'ops/s', better: 'higher', baselineId },
        rateFor(durationMs, () => parseSubmission(body, { source: 'standard-api' })),
      );
    }

    const group = 'Person rules and references';
    recorder.record(
      { id: 'core.pole.evaluate', suite: 'core', group, label: 'evaluatePerson, person reporting', unit: 'ops/s', better: 'higher' },
      rateFor(durationMs, () => evaluatePerson(PERSON, 'personReporting'), 64),
    );
    recorder.record(
      { id: 'core.pole.match10', suite: 'core', group, label: 'matchNominal against 10 candidates', unit: 'ops/s', better: 'higher' },
      rateFor(durationMs, () => matchNominal(PERSON, candidates), 16),
    );
    recorder.record(
      { id: 'core.reference.render', suite: 'core', group, label: 'renderReference with check character', unit: 'ops/s', better: 'higher' },
      rateFor(durationMs, (index) => renderReference(format, date, index + 1), 64),
    );
  }
  return { durationMs, smallBytes: documents[0].body.byteLength, largeBytes: documents[1].body.byteLength };
}

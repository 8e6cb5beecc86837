/**
 * Person rules benchmark (not a test): evaluations, placeholder checks and phone normalisations
 * per second, match time against growing candidate lists, and nominal searches per second over
 * HTTP against the Athena simulator holding many nominals.
 *
 *   npx tsx bench/poleBench.ts [--iterations 20000] [--nominals 5000] [--searches 500]
 */
import axios from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContactPerson } from '../core/contact/types';
import { checkPlaceholder, evaluatePerson, matchNominal, toE164, type NominalCandidate } from '../core/pole';
import { startAthenaSimulator } from '../simulators/athena/server';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function perSecond(label: string, count: number, work: (index: number) => void): void {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) work(index);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(48)} ${(count / seconds).toFixed(0).padStart(9)} per second`);
}

const person: ContactPerson = {
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

async function benchSearch(nominals: number, searches: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'pole-bench-'));
  const simulator = await startAthenaSimulator({ databasePath: join(folder, 'athena.sqlite'), port: 0, apiKeys: ['bench'] });
  try {
    const now = new Date().toISOString();
    for (let index = 0; index < nominals; index++) {
      const { id: _id, ...fields } = candidate(index);
      simulator.store.createNominal({ kind: 'known', ...fields, externalKeys: { submissionId: `bench-${index}` } }, now);
    }
    const http = axios.create({ baseURL: simulator.url, headers: { 'X-API-Key': 'bench' } });
    const started = process.hrtime.bigint();
    for (let index = 0; index < searches; index++) {
      await http.post('/api/v1/nominals/search', { emails: [`person${index}@example.com`], givenName: 'Sian', familyName: 'Ap Rhys' });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`${`nominal search over HTTP, ${nominals} nominals`.padEnd(48)} ${(searches / seconds).toFixed(0).padStart(9)} per second`);
  } finally {
    await simulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const iterations = option('iterations', 20000);
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`);

  perSecond('checkPlaceholder (name)', iterations, (index) => checkPlaceholder(index % 2 ? 'Unknown Male' : 'Brackenbury', 'name'));
  perSecond('toE164', iterations, () => toE164('+44 (0)7700 900123'));
  perSecond('evaluatePerson (4+1)', iterations, () => evaluatePerson(person, 'personReporting'));
  for (const size of [1, 10, 50]) {
    const candidates = Array.from({ length: size }, (_, index) => candidate(index));
    perSecond(`matchNominal, ${size} candidates`, Math.max(100, Math.floor(iterations / size)), () => matchNominal(person, candidates));
  }
  await benchSearch(option('nominals', 5000), option('searches', 500));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * SDM intake benchmark (not a test): parses per second for the test fixtures, and for intake into
 * the SQLite intake ledger (parse plus durable write), one submission at a time.
 *
 *   npx tsx bench/sdmBench.ts [--parses 2000] [--intakes 500]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSubmission, receiveSubmission } from '../core/sdm';
import { openStore } from '../core/store';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const fixtureFolder = join(__dirname, '..', 'test', 'fixtures', 'sdm');
const bodies = readdirSync(fixtureFolder).map((name) => ({ name, body: readFileSync(join(fixtureFolder, name)) }));

function benchParse(count: number): void {
  for (const { name, body } of bodies) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < count; index++) {
      const result = parseSubmission(body, { source: 'standard-api' });
      if (!result.ok) throw new Error(`${name} was rejected: ${result.errors[0].detail}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`parse  ${name.padEnd(44)} ${String(body.length).padStart(6)} bytes  ${(count / seconds).toFixed(0).padStart(7)} per second`);
  }
}

async function benchIntake(count: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-sdm-bench-'));
  const store = await openStore({ type: 'sqlite', path: join(folder, 'store.sqlite') });
  try {
    const template = JSON.parse(bodies.find((entry) => entry.name.startsWith('ocr-hate-crime'))!.body.toString('utf8'));
    const started = process.hrtime.bigint();
    for (let index = 0; index < count; index++) {
      template.included[0].attributes.submissionId = randomUUID();
      const outcome = await receiveSubmission(store, JSON.stringify(template), { source: 'standard-api' });
      if (outcome.kind !== 'accepted') throw new Error(`intake ${index} ended as ${outcome.kind}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`intake SQLite ledger, one at a time: ${(count / seconds).toFixed(0)} per second over ${count} submissions`);
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`);
  benchParse(option('parses', 2000));
  await benchIntake(option('intakes', 500));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

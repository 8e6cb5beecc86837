/**
 * Sends an SDM document to the demo's iHub Standard API endpoint, as iHub would, and prints the
 * response and one line saying what it means, with the force reference. Run it while `npm start`
 * is running:
 *
 *   npx tsx scripts/send-sample.ts [file] [--new-id]
 *
 * `file` defaults to a sample assault report. `--new-id` gives the document a fresh submission id,
 * so a sample already sent is processed again as a new submission instead of as a re-delivery.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describeResponse } from './demo/describeResponse';
import { sendSubmission } from './demo/environment';

const ROOT = path.resolve(__dirname, '..');

/** Written by the demo: where to send and with which SOH API client. */
export const DEMO_STATE_FILE = path.join(ROOT, '.run', 'demo.json');
export const SAMPLE_FILE = path.join(ROOT, 'test', 'fixtures', 'e2e', 'ocr-assault-known-suspect.json');

export interface DemoState {
  webhookUrl: string;
  soh: { clientId: string; clientSecret: string };
  n8nUrl: string;
  /** Process id of the `npm start` that wrote this file, so a second start can tell it is still running. */
  pid?: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const newId = args.includes('--new-id');
  const file = path.resolve(args.find((arg) => !arg.startsWith('--')) ?? SAMPLE_FILE);

  if (!existsSync(DEMO_STATE_FILE)) {
    throw new Error(`${path.relative(ROOT, DEMO_STATE_FILE)} is missing: start the demo first with \`npm start\`, then run this in another terminal.`);
  }
  if (!existsSync(file)) throw new Error(`Sample file ${file} not found; give the path of an SDM JSON document.`);

  const state = JSON.parse(readFileSync(DEMO_STATE_FILE, 'utf8')) as DemoState;
  let document;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${path.relative(process.cwd(), file)} is not valid JSON (${(error as Error).message}); give the path of an SDM JSON document.`);
  }
  const submission = (document.included ?? []).find((entry: { type?: string }) => entry.type === 'submission');
  if (newId && submission?.attributes) submission.attributes.submissionId = randomUUID();

  process.stdout.write(`Sending ${path.relative(process.cwd(), file)} (submission ${submission?.attributes?.submissionId ?? 'unknown'}) to ${state.webhookUrl}\n`);
  const answer = await sendSubmission(state.webhookUrl, document, state.soh);
  process.stdout.write(`HTTP ${answer.status}\n${JSON.stringify(answer.body, null, 2)}\n`);
  process.stdout.write(`${describeResponse(answer)}\n`);
  if (answer.status >= 300) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = axiosMessage(error);
    process.stderr.write(`Sending the sample failed: ${message}\n`);
    process.exit(1);
  });
}

function axiosMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'nothing answers on the demo URL. Is `npm start` still running?';
  return (error as Error).message;
}

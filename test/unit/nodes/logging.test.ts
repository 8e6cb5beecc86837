/**
 * Ids in the message text of the nodes' log lines. n8n's default text log format prints the
 * message without its metadata, so an operator can find a submission's lines only by the text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { parseSubmission } from '../../../core/sdm';
import { requestWithRetry } from '../../../nodes/shared/http';
import { withIds } from '../../../nodes/shared/logging';
import { SimulatorClient } from '../../../simulators/common';
import { startAthenaSimulator, type AthenaSimulator } from '../../../simulators/athena/server';
import { fixtureBytes } from '../sdm/fixtures';
import { runAthenaWriter } from './athenaWriterHarness';

interface LogLine {
  level: string;
  message: string;
  meta?: IDataObject;
}

function fakeLogger(lines: LogLine[]) {
  const log = (level: string) => (message: string, meta?: IDataObject) => lines.push({ level, message, meta });
  return { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') };
}

describe('withIds', () => {
  test('appends ids in a fixed order', () => {
    const message = withIds('CHS Writer: incident created', { incidentId: 'INC-7', attempts: 2, reference: '42/00001/26', submissionId: 'SUB-1' });
    expect(message).toBe('CHS Writer: incident created (submission SUB-1, reference 42/00001/26, CHS incident INC-7)');
  });

  test('labels every id kind', () => {
    const message = withIds('Line', {
      submissionId: 'S',
      reference: 'R',
      incidentId: 'I',
      logEntryId: 'L',
      occurrenceId: 'O',
      nominalId: 'N',
      descriptionId: 'D',
      eventId: 'E',
      messageId: '<M@ihub.example>',
    });
    expect(message).toBe(
      'Line (submission S, reference R, CHS incident I, CHS log entry L, Athena occurrence O, Athena nominal N, Athena description D, audit event E, email <M@ihub.example>)',
    );
  });

  test('message without ids unchanged', () => {
    expect(withIds('Audit chain verified', { eventsChecked: 3, checkpointsChecked: 1 })).toBe('Audit chain verified');
  });

  test('empty and missing ids left out', () => {
    expect(withIds('Line', { submissionId: '', reference: null, occurrenceId: undefined, incidentId: 'INC-1' })).toBe('Line (CHS incident INC-1)');
  });

  test('other metadata stays out of the text', () => {
    const message = withIds('Line', { submissionId: 'SUB-1', givenName: 'Kieran', error: 'phone 07700 900123 rejected', attachment: 'Lowther.json' });
    expect(message).toBe('Line (submission SUB-1)');
  });

  test('control characters replaced', () => {
    const message = withIds('Line', { submissionId: 'SUB-1\nSOH Trigger accepted a submission\r' });
    expect(message).toBe('Line (submission SUB-1?SOH Trigger accepted a submission?)');
  });
});

describe('writer retry line', () => {
  test('names the ids from logContext', async () => {
    const lines: LogLine[] = [];
    const responses = [
      { statusCode: 503, body: { errors: [{ code: 'unavailable', detail: 'Try later' }] }, headers: {} },
      { statusCode: 201, body: { id: 'INC-1' }, headers: {} },
    ];
    const requests: IHttpRequestOptions[] = [];
    const context = {
      helpers: {
        httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) => {
          requests.push(request);
          return responses.shift();
        },
      },
      logger: fakeLogger(lines),
      getNode: () => ({ name: 'CHS Writer', type: 'n8n-nodes-contact-hub.chsWriter', typeVersion: 1, parameters: {} }),
    } as unknown as IExecuteFunctions;

    const result = await requestWithRetry<IDataObject>(context, {
      credentialType: 'chsApi',
      itemIndex: 0,
      action: 'create an incident for submission SUB-RETRY',
      systemName: 'CHS',
      idempotencyKey: 'key-1',
      policy: { baseDelayMs: 1 },
      request: { method: 'POST', url: '/incidents', body: {} },
      logContext: { submissionId: 'SUB-RETRY', reference: '42/00009/26' },
    });

    expect(result.attempts).toBe(2);
    expect(requests).toHaveLength(2);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe('CHS: create an incident for submission SUB-RETRY failed, will retry (submission SUB-RETRY, reference 42/00009/26)');
    expect(warnings[0].meta).toMatchObject({ submissionId: 'SUB-RETRY', reference: '42/00009/26', attempt: 1 });
  });

  describe('Athena Writer', () => {
    const API_KEY = 'logging-test-key';
    let directory: string;
    let simulator: AthenaSimulator;

    beforeEach(async () => {
      directory = mkdtempSync(join(tmpdir(), 'athena-logging-'));
      simulator = await startAthenaSimulator({ databasePath: join(directory, 'athena.sqlite'), port: 0, apiKeys: [API_KEY] });
    });

    afterEach(async () => {
      await simulator.close();
      rmSync(directory, { recursive: true, force: true });
    });

    test('retry line names submission and reference', async () => {
      const parsed = parseSubmission(fixtureBytes('sdm/ocr-hate-crime-witness-welsh-names.json'), { source: 'standard-api' });
      if (!parsed.ok) throw new Error(`Fixture did not parse: ${JSON.stringify(parsed.errors)}`);
      const submissionId = parsed.contact.submission.id;
      await new SimulatorClient(simulator.url).setFault({ mode: '503', count: 1, retryAfterSeconds: 0 });

      const { outputs, logs } = await runAthenaWriter({
        parameters: { operation: 'createOccurrence', referenceField: 'reference', requestOptions: { baseDelayMs: 10, timeoutMs: 2000 } },
        credentials: { baseUrl: simulator.url, authType: 'apiKey', apiKey: API_KEY },
        items: [{ json: { ...(parsed.contact as unknown as IDataObject), reference: '42/00003/26' } }],
      });

      expect((outputs[0][0].json.athena as IDataObject).occurrenceId).toEqual(expect.any(String));
      const retries = logs.filter((line) => line.level === 'warn' && line.message.includes('will retry'));
      expect(retries).toHaveLength(1);
      expect(retries[0].message).toMatch(new RegExp(`^Athena: .* failed, will retry \\(submission ${submissionId}, reference 42/00003/26\\)$`));
      const occurrenceId = (outputs[0][0].json.athena as IDataObject).occurrenceId as string;
      const created = logs.filter((line) => line.message.startsWith('Athena Writer: occurrence created'));
      expect(created.map((line) => line.message)).toEqual([
        `Athena Writer: occurrence created (submission ${submissionId}, reference 42/00003/26, Athena occurrence ${occurrenceId})`,
      ]);
    });
  });
});

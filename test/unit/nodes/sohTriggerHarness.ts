/**
 * Runs the SOH Trigger's webhook() behind a real HTTP server on 127.0.0.1 with a real SQLite store,
 * the way n8n calls it: the request and response objects are the server's own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IWebhookResponseData } from 'n8n-workflow';
import { SohTrigger } from '../../../nodes/SohTrigger/SohTrigger.node';

export interface TriggerCall {
  result?: IWebhookResponseData;
  error?: unknown;
}

export interface HarnessOptions {
  credentials: Record<string, Record<string, unknown>>;
  parameters: Record<string, unknown>;
}

export interface TriggerHarness {
  url: string;
  calls: TriggerCall[];
  logs: Array<{ level: string; message: string; meta?: unknown }>;
  options: HarnessOptions;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage & { rawBody?: Buffer }): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      request.rawBody = Buffer.concat(chunks);
      resolve();
    });
    request.on('error', reject);
  });
}

/** Starts the harness. When webhook() leaves the response to the workflow, the harness responds 200 `{"workflow":"started"}` in n8n's place. */
export async function startTriggerHarness(options: HarnessOptions): Promise<TriggerHarness> {
  const calls: TriggerCall[] = [];
  const logs: TriggerHarness['logs'] = [];
  const node = new SohTrigger();

  const server: Server = createServer(async (request: IncomingMessage & { rawBody?: Buffer; readRawBody?: () => Promise<void> }, response: ServerResponse) => {
    request.readRawBody = () => readBody(request);
    // Express, which n8n hands to webhook nodes, adds status() to the response.
    const expressResponse = Object.assign(response, {
      status: (code: number) => {
        response.statusCode = code;
        return expressResponse;
      },
    });
    const log = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
    const context = {
      getRequestObject: () => request,
      getResponseObject: () => expressResponse,
      getCredentials: async (name: string) => {
        const credential = harness.options.credentials[name];
        if (!credential) throw new Error(`No credential ${name} in the test`);
        return credential;
      },
      getNodeParameter: (name: string, fallback?: unknown) => (name in harness.options.parameters ? harness.options.parameters[name] : fallback),
      getNode: () => ({ name: 'SOH Trigger', type: 'n8n-nodes-contact-hub.sohTrigger', typeVersion: 1, parameters: {} }),
      logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
    };
    const call: TriggerCall = {};
    calls.push(call);
    try {
      call.result = await node.webhook.call(context as never);
      if (!call.result.noWebhookResponse && !response.writableEnded) {
        response.statusCode = 200;
        response.end(JSON.stringify({ workflow: 'started' }));
      }
    } catch (error) {
      call.error = error;
      if (!response.writableEnded) {
        response.statusCode = 500;
        response.end(JSON.stringify({ thrown: String(error) }));
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const harness: TriggerHarness = {
    url: `http://127.0.0.1:${port}/webhook/test-webhook-id/incidents`,
    calls,
    logs,
    options,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return harness;
}

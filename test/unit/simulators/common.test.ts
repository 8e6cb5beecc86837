import axios from 'axios';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod/v4';
import {
  FaultInjector,
  IdempotencyStore,
  SimulatorClient,
  openSimulatorDatabase,
  startSimulatorServer,
  type SimulatorServer,
} from '../../../simulators/common';

const http = axios.create({ validateStatus: () => true, timeout: 5000 });

describe('simulator common server', () => {
  let dir: string;
  let server: SimulatorServer;
  let client: SimulatorClient;
  let created = 0;
  let logFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-common-'));
    logFile = join(dir, 'requests.log');
    const db = openSimulatorDatabase(join(dir, 'sim.sqlite'));
    server = await startSimulatorServer({
      name: 'test',
      idempotency: new IdempotencyStore(db),
      log: { file: logFile },
      authenticate: (request) =>
        request.headers['x-api-key'] === 'secret' ? undefined : { status: 401, code: 'unauthorised', title: 'Missing or invalid API key' },
      routes: [
        {
          method: 'POST',
          path: '/things',
          idempotent: true,
          bodySchema: z.object({ name: z.string().min(1) }).strict(),
          handler: (request) => {
            created += 1;
            return { status: 201, body: { id: `T-${created}`, name: (request.body as { name: string }).name } };
          },
        },
        { method: 'GET', path: '/things/:id', handler: (request) => ({ status: 200, body: { id: request.params.id } }) },
        {
          method: 'POST',
          path: '/slow-things',
          idempotent: true,
          handler: async () => {
            await new Promise((resolve) => setTimeout(resolve, 150));
            created += 1;
            return { status: 201, body: { id: `T-${created}` } };
          },
        },
      ],
      extraStats: () => ({ created }),
      onReset: () => {
        created = 0;
      },
    });
    client = new SimulatorClient(server.url);
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await client.reset();
  });

  const post = (body: unknown, key?: string) =>
    http.post(`${server.url}/things`, body, { headers: { 'x-api-key': 'secret', ...(key ? { 'idempotency-key': key } : {}) } });

  it('listens on 127.0.0.1', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('rejects a missing API key', async () => {
    const response = await http.post(`${server.url}/things`, { name: 'a' }, { headers: { 'idempotency-key': 'k' } });
    expect(response.status).toBe(401);
    expect(response.data.errors[0].code).toBe('unauthorised');
  });

  it('routes path parameters', async () => {
    const response = await http.get(`${server.url}/things/abc%2F1`, { headers: { 'x-api-key': 'secret' } });
    expect(response.data).toEqual({ id: 'abc/1' });
  });

  it('rejects a write without Idempotency-Key', async () => {
    const response = await post({ name: 'a' });
    expect(response.status).toBe(400);
    expect(response.data.errors[0].code).toBe('idempotency-key-missing');
  });

  it('validation error names the field', async () => {
    const response = await post({ name: '' }, 'k-invalid');
    expect(response.status).toBe(422);
    expect(response.data.errors[0].source).toEqual({ pointer: '/name' });
  });

  it('replays the same key and body', async () => {
    const first = await post({ name: 'a' }, 'k1');
    const second = await post({ name: 'a' }, 'k1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.data).toEqual(first.data);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(created).toBe(1);
    expect((await client.stats()).idempotentReplays).toBe(1);
  });

  it('rejects key reuse with another body', async () => {
    await post({ name: 'a' }, 'k2');
    const response = await post({ name: 'b' }, 'k2');
    expect(response.status).toBe(409);
    expect(response.data.errors[0].code).toBe('idempotency-key-reused');
    expect((await client.stats()).idempotencyConflicts).toBe(1);
  });

  it.each(['429', '500', '503'] as const)('fault %s for the next request only', async (mode) => {
    await client.setFault({ mode, count: 1, retryAfterSeconds: 7 });
    const failed = await post({ name: 'a' }, `k-${mode}`);
    const next = await post({ name: 'a' }, `k-${mode}`);
    expect(failed.status).toBe(Number(mode));
    expect(failed.data.errors[0].meta.retryable).toBe(true);
    if (mode !== '500') expect(failed.headers['retry-after']).toBe('7');
    expect(next.status).toBe(201);
    expect(created).toBe(1);
  });

  it('concurrent requests with one key run once', async () => {
    const send = () => http.post(`${server.url}/slow-things`, { name: 'a' }, { headers: { 'x-api-key': 'secret', 'idempotency-key': 'k-concurrent' } });
    const [first, second] = await Promise.all([send(), send()]);
    expect(created).toBe(1);
    expect(second.data).toEqual(first.data);
    expect([first.headers['idempotent-replayed'], second.headers['idempotent-replayed']].sort()).toEqual(['true', undefined].sort());
  });

  it('drop fault destroys the connection', async () => {
    await client.setFault({ mode: 'drop', count: 1 });
    await expect(post({ name: 'a' }, 'k-drop')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(created).toBe(0);
    expect((await client.stats()).requestsByStatus.dropped).toBe(1);
  });

  it('store-then-drop stores and replays', async () => {
    await client.setFault({ mode: 'store-then-drop', count: 1 });
    await expect(post({ name: 'a' }, 'k-std')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(created).toBe(1);
    const retry = await post({ name: 'a' }, 'k-std');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(created).toBe(1);
  });

  it('delay fault delays the response', async () => {
    await client.setFault({ mode: 'delay', count: 1, delayMs: 300 });
    const started = Date.now();
    const response = await post({ name: 'a' }, 'k-delay');
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('share 0 never applies the fault', async () => {
    await client.setFault({ mode: '500', share: 0 });
    const response = await post({ name: 'a' }, 'k-share');
    expect(response.status).toBe(201);
  });

  it('rejects an unknown fault mode', async () => {
    const response = await http.post(`${server.url}/__sim/faults`, { mode: 'explode' });
    expect(response.status).toBe(422);
  });

  it('writes one log line per request', async () => {
    await post({ name: 'log' }, 'k-log');
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(lines.some((line) => / test POST \/things 201 key=k-log fault=- \d+ms$/.test(line))).toBe(true);
  });

  it('reports extra stats and unknown routes', async () => {
    const missing = await http.get(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    const stats = await client.stats<{ created: number }>();
    expect(stats.created).toBe(0);
    expect(stats.requestsByStatus['404']).toBe(1);
  });
});

describe('FaultInjector', () => {
  it('share uses the random source', () => {
    const draws = [0.1, 0.9, 0.3];
    const injector = new FaultInjector(() => draws.shift() ?? 1);
    injector.set({ mode: '500', share: 0.5 });
    expect(injector.take('/a')?.mode).toBe('500');
    expect(injector.take('/a')).toBeUndefined();
    expect(injector.take('/a')?.mode).toBe('500');
  });

  it('count with share counts applied faults only', () => {
    const draws = [0.9, 0.1, 0.1];
    const injector = new FaultInjector(() => draws.shift() ?? 1);
    injector.set({ mode: '503', share: 0.5, count: 2 });
    expect(injector.take('/a')).toBeUndefined();
    expect(injector.take('/a')?.mode).toBe('503');
    expect(injector.take('/a')?.mode).toBe('503');
    expect(injector.current()).toBeUndefined();
  });

  it('pathPrefix limits the fault', () => {
    const injector = new FaultInjector();
    injector.set({ mode: 'drop', pathPrefix: '/api/v1/incidents' });
    expect(injector.take('/api/v1/health')).toBeUndefined();
    expect(injector.take('/api/v1/incidents/INC-1')?.mode).toBe('drop');
  });
});

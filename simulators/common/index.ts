/**
 * Shared simulator infrastructure: an HTTP server with fault injection, idempotency keys, zod
 * validation, request logging and `/__sim/` control endpoints. How to build a simulator on it:
 *
 *   const db = openSimulatorDatabase(databasePath);
 *   const server = await startSimulatorServer({
 *     name: 'athena',
 *     port: 0,                                   // free port; the URL is in server.url
 *     idempotency: new IdempotencyStore(db),     // needed when any route is idempotent
 *     authenticate: (request) => (request.headers['x-api-key'] === key ? undefined
 *       : { status: 401, code: 'unauthorised', title: 'Missing or invalid API key' }),
 *     formatError: (errors) => ({ errors }),     // the contract's error body (default: JSON:API style)
 *     routes: [{ method: 'POST', path: '/api/v1/occurrences', idempotent: true, bodySchema: CreateSchema,
 *                handler: (request) => ({ status: 201, body: store(request.body) }) }],
 *     controlRoutes: [{ method: 'GET', path: '/__sim/occurrences', handler: () => ({ status: 200, body: all() }) }],
 *     extraStats: () => ({ occurrences: count() }),
 *     onReset: () => db.exec('DELETE FROM occurrences'),
 *     log: 'stdout',                             // or 'silent', or { file: '/tmp/athena.log' }
 *   });
 *
 * Control endpoints every simulator gets: `POST /__sim/faults` ({ mode: 'delay'|'429'|'500'|'503'|
 * 'drop'|'store-then-drop', count?, share?, delayMs?, retryAfterSeconds?, pathPrefix? }),
 * `GET`/`DELETE /__sim/faults`, `GET /__sim/stats`, `POST /__sim/reset`. `SimulatorClient` drives them from tests.
 */
export * from './faults';
export * from './idempotency';
export * from './requestLog';
export * from './server';
export * from './sqlite';
export * from './client';

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { chsContract } from '../../../core/chs/contract';
import { buildOpenApiDocument, renderOpenApiYaml } from '../../../core/http/openapi';
import { contractPath } from '../../../scripts/generate-openapi';

describe('CHS OpenAPI document', () => {
  it('committed YAML matches the schemas', () => {
    const committed = readFileSync(contractPath('chs'), 'utf8');
    // On failure run: npx tsx scripts/generate-openapi.ts chs
    expect(committed).toBe(renderOpenApiYaml(chsContract));
  });

  it('lists every contract operation', () => {
    const document = parse(readFileSync(contractPath('chs'), 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(operations.sort()).toEqual(['addLogEntry', 'createIncident', 'findIncidents', 'getHealth', 'getIncident', 'issueToken', 'updateIncident']);
  });

  it('requires Idempotency-Key on every write', () => {
    const document = buildOpenApiDocument(chsContract) as { paths: Record<string, Record<string, { parameters?: Array<{ $ref?: string }> }>> };
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (method === 'get' || path === '/oauth/token') continue;
        const refs = (operation.parameters ?? []).map((parameter) => parameter.$ref);
        expect({ path, method, refs }).toEqual({ path, method, refs: expect.arrayContaining(['#/components/parameters/IdempotencyKey']) });
      }
    }
  });

  it('rejects an unknown schema name', () => {
    const broken = { ...chsContract, operations: [{ ...chsContract.operations[0], responses: { '200': { description: 'x', schema: 'Missing' } } }] };
    expect(() => buildOpenApiDocument(broken)).toThrow(/unknown schema Missing/);
  });
});

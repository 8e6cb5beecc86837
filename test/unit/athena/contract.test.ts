import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { athenaContract, CreateNominalRequestSchema, NominalSearchRequestSchema } from '../../../core/athena/contract';
import { buildOpenApiDocument, renderOpenApiYaml } from '../../../core/http/openapi';

describe('Athena contract', () => {
  test('committed OpenAPI matches the schemas', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'contracts', 'athena.openapi.yaml'), 'utf8');
    expect(committed).toBe(renderOpenApiYaml(athenaContract));
  });

  test('every write operation requires an Idempotency-Key', () => {
    const document = buildOpenApiDocument(athenaContract) as { paths: Record<string, Record<string, { parameters?: Array<{ $ref?: string }> }>> };
    const writes = ['/api/v1/occurrences', '/api/v1/occurrences/{id}/descriptions', '/api/v1/occurrences/{id}/nominal-links', '/api/v1/nominals'];
    for (const path of writes) {
      const parameters = document.paths[path].post.parameters ?? [];
      expect(parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    }
  });

  test('nominal phones must be E.164', () => {
    const result = CreateNominalRequestSchema.safeParse({ kind: 'known', emails: [], phones: ['07700 900123'], policeIdentifiers: {}, externalKeys: { submissionId: 's' } });
    expect(result.success).toBe(false);
  });

  test('search needs at least one key', () => {
    expect(NominalSearchRequestSchema.safeParse({ givenName: 'Sian' }).success).toBe(false);
    expect(NominalSearchRequestSchema.safeParse({ givenName: 'Sian', familyName: 'Rees' }).success).toBe(true);
  });
});

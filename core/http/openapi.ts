/**
 * Builds an OpenAPI 3.1 document from a contract whose request and response bodies are zod schemas,
 * so the schemas the code validates with and the published contract cannot drift apart.
 * `scripts/generate-openapi.ts` writes the YAML files, and a unit test compares them with the schemas.
 */
import { stringify } from 'yaml';
import { z } from 'zod/v4';

export interface ContractResponse {
  description: string;
  /** Name of a schema in `ApiContract.schemas`. */
  schema?: string;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface ContractOperation {
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** OpenAPI path with `{name}` parameters, e.g. `/api/v1/incidents/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  pathParameters?: Record<string, string>;
  /** Query parameters: each property of the object becomes one parameter. */
  query?: z.ZodObject;
  requestBody?: { schema: string; contentType?: string; description?: string };
  /** Adds the required `Idempotency-Key` header parameter. */
  idempotent?: boolean;
  /** Set false for operations that need no credentials. */
  authenticated?: boolean;
  responses: Record<string, ContractResponse>;
}

export interface ApiContract {
  /** File name stem: `chs` gives `docs/contracts/chs.openapi.yaml`. */
  name: string;
  title: string;
  version: string;
  description: string;
  schemas: Record<string, z.ZodType>;
  securitySchemes: Record<string, Record<string, unknown>>;
  operations: ContractOperation[];
  /** Port of the local simulator, shown as the default server in the document. */
  simulatorPort: number;
  /** Common responses added to every authenticated operation, e.g. 401 and 429. */
  commonResponses?: Record<string, ContractResponse>;
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function stripSchemaMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function buildResponses(responses: Record<string, ContractResponse>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(responses)) {
    result[status] = {
      description: response.description,
      ...(response.headers ? { headers: response.headers } : {}),
      ...(response.schema ? { content: { 'application/json': { schema: schemaRef(response.schema) } } } : {}),
    };
  }
  return result;
}

/** Builds the OpenAPI document as a plain object. Throws when an operation names an unknown schema. */
export function buildOpenApiDocument(contract: ApiContract): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(contract.schemas)) registry.add(schema, { id: name });
  const generated = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  const componentSchemas = Object.fromEntries(Object.entries(generated.schemas).map(([name, schema]) => [name, stripSchemaMeta(schema)]));

  const requireSchema = (name: string, operationId: string) => {
    if (!(name in contract.schemas)) throw new Error(`Contract ${contract.name}: operation ${operationId} names unknown schema ${name}`);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of contract.operations) {
    const parameters: Record<string, unknown>[] = [];
    for (const [name, description] of Object.entries(operation.pathParameters ?? {})) {
      parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
    }
    if (operation.query) {
      for (const [name, schema] of Object.entries(operation.query.shape as Record<string, z.ZodType>)) {
        const jsonSchema = stripSchemaMeta(z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>);
        const { description, ...rest } = jsonSchema;
        parameters.push({
          name,
          in: 'query',
          required: !schema.safeParse(undefined).success,
          ...(description ? { description } : {}),
          schema: rest,
        });
      }
    }
    if (operation.idempotent) {
      parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
    }

    const responses = { ...operation.responses, ...(operation.authenticated === false ? {} : (contract.commonResponses ?? {})) };
    for (const response of Object.values(responses)) if (response.schema) requireSchema(response.schema, operation.operationId);
    if (operation.requestBody) requireSchema(operation.requestBody.schema, operation.operationId);

    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = {
      operationId: operation.operationId,
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      ...(operation.tags ? { tags: operation.tags } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.requestBody
        ? {
            requestBody: {
              required: true,
              ...(operation.requestBody.description ? { description: operation.requestBody.description } : {}),
              content: { [operation.requestBody.contentType ?? 'application/json']: { schema: schemaRef(operation.requestBody.schema) } },
            },
          }
        : {}),
      ...(operation.authenticated === false ? { security: [] } : {}),
      responses: buildResponses(responses),
    };
  }

  return {
    openapi: '3.1.0',
    info: { title: contract.title, version: contract.version, description: contract.description },
    servers: [{ url: 'http://127.0.0.1:{port}', description: 'Local simulator', variables: { port: { default: String(contract.simulatorPort) } } }],
    security: Object.keys(contract.securitySchemes).map((name) => ({ [name]: [] })),
    paths,
    components: {
      schemas: componentSchemas,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            'Client-chosen key, 1 to 255 characters. The same key with the same body returns the first response again (header `Idempotent-Replayed: true`); the same key with a different body is rejected with 409.',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
      securitySchemes: contract.securitySchemes,
    },
  };
}

/** Renders the contract as the YAML committed under `docs/contracts/`. */
export function renderOpenApiYaml(contract: ApiContract): string {
  const header = `# Generated from the zod schemas by \`npx tsx scripts/generate-openapi.ts ${contract.name}\`. Do not edit by hand.\n`;
  return header + stringify(buildOpenApiDocument(contract), { lineWidth: 0 });
}

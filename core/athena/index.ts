/** The Athena contract (zod schemas and OpenAPI source) and the mapping from the canonical contact item. */
export * from './contract';
export * from './mapping';

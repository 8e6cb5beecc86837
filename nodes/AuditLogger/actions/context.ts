/** Shared parts of the Audit Logger operations: the opened audit log, the key, and item helpers. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { AuditLog, auditKeyFromCredential, type AuditActor, type AuditKey } from '../../../core/audit';
import { getStore } from '../../shared/store';
import { getItemParameter } from '../../shared/parameters';

export interface AuditContext {
  log: AuditLog;
  key: AuditKey;
  digestSalt: string;
}

/** Opens the audit log on the store credential, signing with the audit key credential. */
export async function openAuditContext(ctx: IExecuteFunctions): Promise<AuditContext> {
  const credential = await ctx.getCredentials('contactHubAuditKeyApi');
  let parsed: ReturnType<typeof auditKeyFromCredential>;
  try {
    parsed = auditKeyFromCredential(credential);
  } catch (error) {
    throw new NodeOperationError(ctx.getNode(), `The Contact Hub Audit Key credential is invalid: ${(error as Error).message}`);
  }
  const store = await getStore(ctx);
  const checkpointInterval = ctx.getNodeParameter('checkpointInterval', 0, 1000) as number;
  const log = new AuditLog(store.db, { key: parsed.key, digestSalt: parsed.digestSalt, checkpointInterval });
  return { log, key: parsed.key, digestSalt: parsed.digestSalt };
}

export type OperationExecutor = (
  ctx: IExecuteFunctions,
  audit: AuditContext,
  item: INodeExecutionData,
  itemIndex: number,
) => Promise<INodeExecutionData[]>;

/** Reads a value at a dot path such as `submission.people.0.phones`; undefined when any step is missing. */
export function readPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Splits a comma-separated list of field paths, ignoring blanks. */
export function splitFieldList(text: string): string[] {
  return text
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field.length > 0);
}

/** Returns a parameter value as trimmed text, or undefined when it is empty. */
export function trimmedText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** Returns the trimmed string parameter, or undefined when it is empty. */
export function optionalString(ctx: IExecuteFunctions, name: string, itemIndex: number): string | undefined {
  return trimmedText(getItemParameter(ctx, name, itemIndex, ''));
}

/** Reads the actor parameters shared by the operations that record who acted. */
export function readActor(ctx: IExecuteFunctions, itemIndex: number): AuditActor {
  const type = ctx.getNodeParameter('actorType', itemIndex, 'system') as 'system' | 'person';
  const id = optionalString(ctx, 'actorId', itemIndex);
  if (!id) {
    throw new NodeOperationError(ctx.getNode(), 'Actor ID is empty; enter the system component or the staff identifier of the person acting.', {
      itemIndex,
    });
  }
  if (type === 'system') return { type, id };
  return { type, id, name: optionalString(ctx, 'actorName', itemIndex), role: optionalString(ctx, 'actorRole', itemIndex) };
}

export function passThrough(item: INodeExecutionData, itemIndex: number, extra: IDataObject): INodeExecutionData {
  return { json: { ...item.json, ...extra }, binary: item.binary, pairedItem: { item: itemIndex } };
}

import {
  NodeConnectionTypes,
  NodeOperationError,
  type ICredentialTestFunctions,
  type ICredentialsDecrypted,
  type IDataObject,
  type IExecuteFunctions,
  type INodeCredentialTestResult,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { AuditChainError, AuditInputError, auditKeyFromCredential } from '../../core/audit';
import { withIds } from '../shared/logging';
import { testContactHubStoreCredential } from '../shared/store';
import { continuedFailureItem } from '../shared/items';
import { actorProperties } from './actions/actorProperties';
import { appendEventProperties, executeAppendEvent } from './actions/appendEvent.operation';
import { openAuditContext, type OperationExecutor } from './actions/context';
import { executeExport, exportProperties } from './actions/exportLog.operation';
import { executeGetTrail, getTrailProperties } from './actions/getTrail.operation';
import { executeCreateCheckpoint, executeRetentionSweep, maintenanceProperties } from './actions/maintenance.operation';
import { executeVerifyChain, verifyChainProperties } from './actions/verifyChain.operation';

const OPERATIONS: Record<string, OperationExecutor> = {
  appendEvent: executeAppendEvent,
  getTrail: executeGetTrail,
  verifyChain: executeVerifyChain,
  export: executeExport,
  retentionSweep: executeRetentionSweep,
  createCheckpoint: executeCreateCheckpoint,
};

/** Checks that the audit key credential parses and that a signature made with it verifies. */
export async function testAuditKeyCredential(
  this: ICredentialTestFunctions,
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  try {
    const { key } = auditKeyFromCredential(credential.data ?? {});
    const probe = `contact-hub/audit-key-test\0${key.keyId}`;
    if (!key.verify(probe, key.sign(probe))) {
      return { status: 'Error', message: `Key "${key.keyId}" signed a test message but the signature did not verify.` };
    }
    return { status: 'OK', message: `Key "${key.keyId}" (${key.algorithm}) signs and verifies.` };
  } catch (error) {
    return { status: 'Error', message: (error as Error).message };
  }
}

export class AuditLogger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Audit Logger',
    name: 'auditLogger',
    icon: { light: 'file:auditLogger.svg', dark: 'file:auditLogger.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] }}',
    description: 'Keep a tamper-evident audit log of police contact processing in the Contact Hub Store',
    defaults: { name: 'Audit Logger' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      { name: 'contactHubStoreApi', required: true, testedBy: 'contactHubStoreTest' },
      { name: 'contactHubAuditKeyApi', required: true, testedBy: 'auditKeyTest' },
    ],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Append Event', value: 'appendEvent', action: 'Append an audit event', description: 'Record what was done to a submission' },
          { name: 'Create Checkpoint', value: 'createCheckpoint', action: 'Create a signed checkpoint', description: 'Sign the current head of the chain' },
          { name: 'Export', value: 'export', action: 'Export the audit log', description: 'Write the log as a JSON Lines or CSV file' },
          { name: 'Get Trail', value: 'getTrail', action: 'Get the audit trail', description: 'Read the events of one submission or reference' },
          { name: 'Retention Sweep', value: 'retentionSweep', action: 'Erase content past retention', description: 'Erase personal data older than the retention period' },
          { name: 'Verify Chain', value: 'verifyChain', action: 'Verify the audit chain', description: 'Check every hash, checkpoint and the signed head' },
        ],
        default: 'appendEvent',
      },
      ...actorProperties,
      ...appendEventProperties,
      ...getTrailProperties,
      ...verifyChainProperties,
      ...exportProperties,
      ...maintenanceProperties,
      {
        displayName: 'Checkpoint Every',
        name: 'checkpointInterval',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 1000,
        description: 'Write a signed checkpoint whenever the event count reaches a multiple of this number; 0 writes checkpoints only on request',
        displayOptions: { show: { operation: ['appendEvent', 'getTrail', 'export', 'retentionSweep'] } },
      },
    ],
  };

  methods = {
    credentialTest: { auditKeyTest: testAuditKeyCredential, contactHubStoreTest: testContactHubStoreCredential },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const operation = this.getNodeParameter('operation', 0) as string;
    const run = OPERATIONS[operation];
    if (!run) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not supported by the Audit Logger.`);

    const audit = await openAuditContext(this);
    const output: INodeExecutionData[] = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      try {
        output.push(...(await run(this, audit, items[itemIndex], itemIndex)));
      } catch (error) {
        const nodeError = toNodeError(this, error, itemIndex, items[itemIndex]);
        if (!this.continueOnFail()) throw nodeError;
        const failure: IDataObject = { message: nodeError.message };
        if (nodeError.description) failure.description = nodeError.description;
        output.push(continuedFailureItem(this, items[itemIndex], itemIndex, failure));
      }
    }
    return [output];
  }
}

function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, item: INodeExecutionData): NodeOperationError {
  if (error instanceof NodeOperationError) return error;
  const submission = (item.json.submission as { id?: unknown } | undefined)?.id;
  const where = typeof submission === 'string' ? ` for submission ${submission}` : '';
  const message = error instanceof Error ? error.message : String(error);
  let description: string | undefined;
  if (error instanceof AuditChainError) description = 'Run Verify Chain and investigate before appending again.';
  else if (error instanceof AuditInputError) description = 'Correct the parameter named in the message.';
  const metadata = { submissionId: typeof submission === 'string' ? submission : undefined, itemIndex, error: error instanceof Error ? error.name : 'unknown' };
  ctx.logger.error(withIds('Audit Logger failed', metadata), metadata);
  return new NodeOperationError(ctx.getNode(), `Audit Logger failed${where}: ${message}`, { itemIndex, description });
}

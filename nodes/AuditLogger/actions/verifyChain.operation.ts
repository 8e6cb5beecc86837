/** Verify Chain: recomputes the whole chain and reports the first broken or missing link. */
import { NodeOperationError, type INodeProperties } from 'n8n-workflow';
import type { OperationExecutor } from './context';

const show = { show: { operation: ['verifyChain'] } };

export const verifyChainProperties: INodeProperties[] = [
  {
    displayName: 'Fail When Broken',
    name: 'failWhenBroken',
    type: 'boolean',
    default: false,
    description: 'Whether to stop the workflow with an error when verification finds a problem, rather than output the report',
    displayOptions: show,
  },
];

export const executeVerifyChain: OperationExecutor = async (ctx, audit, _item, itemIndex) => {
  // NOTE: only the credential's key is supplied, so checkpoints signed with an earlier key id fail after a key rotation.
  const report = await audit.log.verify({ key: audit.key, digestSalt: audit.digestSalt });
  if (report.ok) {
    ctx.logger.info('Audit chain verified', { eventsChecked: report.eventsChecked, checkpointsChecked: report.checkpointsChecked });
  } else {
    ctx.logger.error(`Audit chain verification failed at event sequence ${report.firstProblem?.sequence ?? 'unknown'}`, {
      eventsChecked: report.eventsChecked,
      sequence: report.firstProblem?.sequence,
      kind: report.firstProblem?.kind,
    });
    if (ctx.getNodeParameter('failWhenBroken', itemIndex, false) as boolean) {
      throw new NodeOperationError(ctx.getNode(), `The audit chain is broken at event ${report.firstProblem?.sequence}: ${report.firstProblem?.detail}`, {
        itemIndex,
        description: 'Keep the database as it is and export it for investigation; do not append until the cause is known.',
      });
    }
  }
  return [{ json: { ...report }, pairedItem: { item: itemIndex } }];
};

/** Retention Sweep and Create Checkpoint: the scheduled upkeep of the audit log. */
import type { INodeProperties } from 'n8n-workflow';
import { readActor, type OperationExecutor } from './context';

export const maintenanceProperties: INodeProperties[] = [
  {
    displayName: 'Retention Period',
    name: 'olderThan',
    type: 'string',
    default: 'P7Y',
    required: true,
    description:
      'ISO 8601 duration: content of events older than this is erased, for example P7Y (seven years), P6M or P90D. Events themselves are kept.',
    displayOptions: { show: { operation: ['retentionSweep'] } },
  },
  {
    displayName: 'Maximum Events per Run',
    name: 'sweepLimit',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 10000,
    description: 'Content of at most this many events is erased per run; the next run continues',
    displayOptions: { show: { operation: ['retentionSweep'] } },
  },
];

export const executeRetentionSweep: OperationExecutor = async (ctx, audit, _item, itemIndex) => {
  const actor = readActor(ctx, itemIndex);
  const olderThan = (ctx.getNodeParameter('olderThan', itemIndex) as string).trim();
  const limit = ctx.getNodeParameter('sweepLimit', itemIndex, 10000) as number;

  const result = await audit.log.retentionSweep({ olderThan, actor, limit });
  ctx.logger.info('Audit retention sweep finished', {
    cutoffUtc: result.cutoffUtc,
    contentErased: result.erasedEventIds.length,
    erasureEvents: result.erasureEvents.length,
  });
  return [
    {
      json: {
        cutoffUtc: result.cutoffUtc,
        contentErased: result.erasedEventIds.length,
        erasureEventIds: result.erasureEvents.map((event) => event.eventId),
      },
      pairedItem: { item: itemIndex },
    },
  ];
};

export const executeCreateCheckpoint: OperationExecutor = async (ctx, audit, _item, itemIndex) => {
  const checkpoint = await audit.log.checkpoint();
  if (checkpoint) {
    ctx.logger.info(`Audit checkpoint ${checkpoint.checkpointNumber} created up to event sequence ${checkpoint.upToSequence}`, {
      checkpointNumber: checkpoint.checkpointNumber,
      upToSequence: checkpoint.upToSequence,
    });
  }
  return [{ json: checkpoint ? { created: true, ...checkpoint } : { created: false }, pairedItem: { item: itemIndex } }];
};

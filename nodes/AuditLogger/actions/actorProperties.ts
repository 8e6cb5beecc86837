import type { INodeProperties } from 'n8n-workflow';

const operationsWithActor = ['appendEvent', 'getTrail', 'export', 'retentionSweep'];

/** Actor parameters, shown for the operations that write an event naming the actor. */
export const actorProperties: INodeProperties[] = [
  {
    displayName: 'Actor Type',
    name: 'actorType',
    type: 'options',
    options: [
      { name: 'System', value: 'system', description: 'A workflow or system component acted' },
      { name: 'Person', value: 'person', description: 'A named member of staff acted' },
    ],
    default: 'system',
    displayOptions: { show: { operation: operationsWithActor } },
  },
  {
    displayName: 'Actor ID',
    name: 'actorId',
    type: 'string',
    default: '={{ "workflow " + $workflow.id }}',
    required: true,
    description: 'System component name, or the staff identifier of the person',
    displayOptions: { show: { operation: operationsWithActor } },
  },
  {
    displayName: 'Actor Name',
    name: 'actorName',
    type: 'string',
    default: '',
    required: true,
    displayOptions: { show: { operation: operationsWithActor, actorType: ['person'] } },
  },
  {
    displayName: 'Actor Role',
    name: 'actorRole',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'Contact handler',
    displayOptions: { show: { operation: operationsWithActor, actorType: ['person'] } },
  },
];

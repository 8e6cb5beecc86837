import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

/**
 * Pass-through stand-ins for the few n8n-nodes-base nodes that workflows start with, because
 * n8n-nodes-base is not installed for in-process tests. In `trigger` and `webhook` mode the
 * engine passes a trigger's seeded items through without calling it, as n8n does in production.
 * Workflows that need real base nodes (Switch, Respond to Webhook, ...) are tested against a real n8n.
 */
function triggerStandIn(name: string, displayName: string): INodeType {
  const description: INodeTypeDescription = {
    displayName,
    name,
    group: ['trigger'],
    version: [1, 1.1],
    description: `In-process test stand-in for ${displayName}`,
    defaults: { name: displayName },
    inputs: [],
    outputs: ['main'],
    properties: [],
  };
  return {
    description,
    async trigger() {
      return {};
    },
  };
}

const noOp: INodeType = {
  description: {
    displayName: 'No Operation, do nothing',
    name: 'noOp',
    group: ['organization'],
    version: 1,
    description: 'In-process test stand-in that passes its items through',
    defaults: { name: 'No Operation, do nothing' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [],
  },
  async execute() {
    return [this.getInputData()];
  },
};

export const STAND_IN_NODE_TYPES: Record<string, INodeType> = {
  'n8n-nodes-base.manualTrigger': triggerStandIn('manualTrigger', 'When clicking ‘Execute workflow’'),
  'n8n-nodes-base.start': triggerStandIn('start', 'Start'),
  'n8n-nodes-base.executeWorkflowTrigger': triggerStandIn('executeWorkflowTrigger', 'When Executed by Another Workflow'),
  'n8n-nodes-base.noOp': noOp,
};

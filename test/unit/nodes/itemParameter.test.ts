/**
 * getItemParameter must return what n8n's expression engine returns, or leave the evaluation to the engine.
 * A test-only node reads one parameter both ways on every item, in n8n's real execution engine.
 */
import { Workflow, resolveWebhookDescriptionField, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType } from 'n8n-workflow';
import { getItemParameter } from '../../../nodes/shared/parameters';
import { SohTrigger } from '../../../nodes/SohTrigger/SohTrigger.node';
import { createNodeTypes, runWorkflow } from '../../helpers/runWorkflow';

const PROBE_TYPE = 'contact-hub-test.parameterProbe';

function outcome(read: () => unknown): IDataObject {
  try {
    const value = read();
    return { value: value === undefined ? '(undefined)' : (value as IDataObject['value']) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

class ParameterProbe implements INodeType {
  description: INodeType['description'] = {
    displayName: 'Parameter Probe',
    name: 'parameterProbe',
    group: ['transform'],
    version: 1,
    description: 'Reads one parameter natively and through the expression engine',
    defaults: { name: 'Parameter Probe' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [{ displayName: 'Field', name: 'field', type: 'string', default: '' }],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return [
      this.getInputData().map((_, itemIndex) => ({
        json: {
          native: outcome(() => getItemParameter(this, 'field', itemIndex, '')),
          engine: outcome(() => this.getNodeParameter('field', itemIndex, '')),
        },
        pairedItem: { item: itemIndex },
      })),
    ];
  }
}

const ITEMS: IDataObject[] = [
  { submission: { id: 'SOH-1', submitTime: { utc: '2026-04-01T00:30:00Z' } }, reference: '42/00001/26', chs: { incidentId: 'INC-1' } },
  { submission: { id: 'SOH-2' }, reference: '' },
  { submission: { id: 12345 }, reference: null },
  { submission: null },
  {},
  { submission: 'not an object', reference: ['42/00002/26'] },
];

const EXPRESSIONS = [
  '={{ $json.submission.id }}',
  '={{ $json.submission?.id }}',
  '={{ $json.reference }}',
  '={{ $json.chs.incidentId }}',
  '={{ $json.submission?.submitTime?.utc ?? "" }}',
  '={{ $json.submission.length }}',
  '={{ $json.submission.constructor }}',
  '={{ $json.reference.length }}',
  '={{ "workflow " + $workflow.id }}',
  '={{ $json.submission.id + "-x" }}',
  'plain text',
];

describe('getItemParameter', () => {
  it.each(EXPRESSIONS)('matches the engine for %s', async (expression) => {
    const result = await runWorkflow({
      workflow: {
        id: 'wf-parameters',
        nodes: [
          { id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
          { id: '2', name: 'Probe', type: PROBE_TYPE, typeVersion: 1, position: [200, 0], parameters: { field: expression } },
        ],
        connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
      },
      triggerItems: ITEMS,
      extraNodeTypes: { [PROBE_TYPE]: new ParameterProbe() },
    });

    expect(result.status).toBe('success');
    const rows = result.json('Probe');
    expect(rows).toHaveLength(ITEMS.length);
    for (const row of rows) {
      expect(row.native).toEqual(row.engine);
    }
  });
});

describe('SOH Trigger response mode', () => {
  const webhook = new SohTrigger().description.webhooks![0];
  const nodeTypes = createNodeTypes({ 'n8n-nodes-contact-hub.sohTrigger': new SohTrigger() });

  it.each([
    ['afterReference', 'responseNode'],
    ['receipt', 'onReceived'],
  ])('expression gives the same mode as the resolver for %s', (responseMode, expected) => {
    const node = {
      id: '1',
      name: 'SOH Trigger',
      type: 'n8n-nodes-contact-hub.sohTrigger',
      typeVersion: 1,
      position: [0, 0] as [number, number],
      parameters: { responseMode },
    };
    const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
    const viaEngine = workflow.expression.getSimpleParameterValue(node, webhook.responseMode as string, 'webhook', {});

    const native = resolveWebhookDescriptionField(workflow.nodes['SOH Trigger'], webhook, 'responseMode');

    expect(viaEngine).toBe(expected);
    expect(native).toEqual({ resolved: true, value: expected });
  });
});

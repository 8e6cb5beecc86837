/** The SOH Trigger's parameters and trigger panel text; the node class contains the rest of its description. */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { formTypeProperties } from '../shared/formTypes';

/** The webhook path. The production URL is `/webhook/<webhookId>/incidents`; templates carry a fixed webhookId. */
export const WEBHOOK_PATH = 'incidents';


export const properties: INodeProperties[] = [
  {
    displayName:
      'iHub sends each submission to <code>POST /webhook/&lt;webhook ID&gt;/incidents</code> on this n8n. Give iHub the production URL shown above and the client ID and secret from the SOH API credential.',
    name: 'notice',
    type: 'notice',
    default: '',
  },
  {
    displayName: 'Respond',
    name: 'responseMode',
    type: 'options',
    options: [
      {
        name: 'Immediately (Acceptance Receipt)',
        value: 'immediately',
        description: 'Respond 201 with an acceptance receipt as soon as the submission is stored',
      },
      {
        name: 'After Reference Is Allocated (Respond to Webhook Node)',
        value: 'afterReference',
        description: 'A Respond to Webhook node later in the workflow sends the response with the force reference',
      },
    ],
    default: 'immediately',
  },
  {
    displayName:
      'Add a Respond to Webhook node, version 1, after the Reference Allocator (copy it from the iHub API template). In n8n 2.41 its versions 1.1 and later accept only n8n’s own Webhook, Form, Chat and Wait nodes as the trigger and fail with "No Webhook node found". This trigger itself responds to manual-handling submissions and re-deliveries.',
    name: 'respondNotice',
    type: 'notice',
    default: '',
    displayOptions: { show: { responseMode: ['afterReference'] } },
  },
  ...formTypeProperties('Accepted', 'Manual Handling'),
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Submissions That Differ From the Model',
        name: 'driftedSubmissions',
        type: 'options',
        options: [
          { name: 'Accepted Output, Marked for Review', value: 'main' },
          { name: 'Manual Handling', value: 'manual' },
        ],
        default: 'main',
        description: 'Where a submission with unknown fields or codes goes. Its drift.findings list what differs either way.',
      },
      {
        displayName: 'Max Body Size (Bytes)',
        name: 'maxBytes',
        type: 'number',
        typeOptions: { minValue: 1024 },
        default: 5242880,
        description: 'Larger bodies are rejected with 413. n8n applies its own payload limit (N8N_PAYLOAD_SIZE_MAX) before this node sees the body.',
      },
      {
        displayName: 'Max Nesting Depth',
        name: 'maxDepth',
        type: 'number',
        typeOptions: { minValue: 8 },
        default: 32,
        description: 'Deeper documents are rejected with 422',
      },
    ],
  },
];

export const triggerPanel: INodeTypeDescription['triggerPanel'] = {
  header: 'Send a test submission to the test URL',
  executionsHelp: {
    inactive:
      'Click "Execute step" to try this trigger, or "Execute workflow" on the canvas to run the whole workflow. Then send a fictitious SDM document to the test URL with the SOH API client ID and secret headers. Publish the workflow to receive iHub traffic at the production URL.',
    active: 'The workflow is published: iHub submissions to the production URL start executions.',
  },
  activationHint: 'Publish the workflow so iHub submissions to the production URL are received and stored.',
};

/** The SOH Trigger's parameters and trigger panel text; the node class contains the rest of its description. */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { FORM_TYPES } from '../../core/sdm';

/** The webhook path. The production URL is `/webhook/<webhookId>/incidents`; templates carry a fixed webhookId. */
export const WEBHOOK_PATH = 'incidents';

// The switches and their defaults come from the form type catalogue, so the linter cannot see them.
/* eslint-disable n8n-nodes-base/node-param-default-missing, n8n-nodes-base/node-param-default-wrong-for-collection */
const formTypeSwitches: INodeProperties[] = FORM_TYPES.map((formType) => ({
  displayName: `${formType.en} (${formType.code})`,
  name: formType.code,
  type: 'boolean',
  default: formType.enabledByDefault,
  description: formType.codeKnown
    ? `Whether ${formType.en.toLowerCase()} submissions go to the Accepted output. Off sends them to Manual Handling.`
    : `Whether ${formType.en.toLowerCase()} submissions go to the Accepted output. The category code ${formType.code} is a placeholder: check the code iHub sends for this service and add it under Additional Form Types if it differs.`,
}));

const defaultSwitches = Object.fromEntries(FORM_TYPES.map((formType) => [formType.code, formType.enabledByDefault]));

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
  {
    displayName: 'Form Types',
    name: 'formTypes',
    type: 'collection',
    placeholder: 'Add Form Type',
    default: defaultSwitches,
    description: 'Switched-on form types go to the Accepted output; switched-off ones go to Manual Handling with the reason',
    options: formTypeSwitches,
  },
  /* eslint-enable n8n-nodes-base/node-param-default-missing, n8n-nodes-base/node-param-default-wrong-for-collection */
  {
    displayName: 'Additional Form Types',
    name: 'extraFormTypes',
    type: 'fixedCollection',
    placeholder: 'Add Form Type',
    typeOptions: { multipleValues: true },
    default: {},
    description: 'Form types iHub sends that are not in the list above, or the real code of a form type whose code is a placeholder',
    options: [
      {
        displayName: 'Form Type',
        name: 'formType',
        values: [
          { displayName: 'Category Code', name: 'code', type: 'string', default: '', required: true, placeholder: 'NOISE', description: 'The submission category iHub sends' },
          { displayName: 'Label', name: 'label', type: 'string', default: '', placeholder: 'Noise nuisance', description: 'The name operators see' },
          { displayName: 'Send to Accepted Output', name: 'enabled', type: 'boolean', default: true, description: 'Whether these submissions go to the Accepted output' },
        ],
      },
    ],
  },
  {
    displayName: 'Unknown Form Types',
    name: 'unknownFormTypes',
    type: 'options',
    options: [
      { name: 'Send to Manual Handling', value: 'manual' },
      { name: 'Send to Accepted Output', value: 'main' },
    ],
    default: 'manual',
    description: 'Where a submission goes when its form type is in neither list. It is stored either way.',
  },
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

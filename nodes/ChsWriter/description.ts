/** Parameters of the CHS Writer node, grouped by operation. */
import type { INodeProperties } from 'n8n-workflow';
import { CHS_PRIORITIES, LOG_ENTRY_CATEGORIES } from '../../core/chs/contract';
import { EXAMPLE_FALLBACK_OPENING_CODE, EXAMPLE_OPENING_CODE_TABLE } from '../../core/chs/openingCodes';

export const OPERATIONS = ['createIncident', 'updateIncident', 'addLogEntry', 'getIncident'] as const;
export type ChsOperation = (typeof OPERATIONS)[number];

const PRIORITY_NAMES: Record<(typeof CHS_PRIORITIES)[number], string> = {
  emergency: 'Emergency',
  priority: 'Priority',
  scheduled: 'Scheduled',
  'resolution-without-deployment': 'Resolution Without Deployment',
};

const priorityOptions = CHS_PRIORITIES.map((value) => ({ name: PRIORITY_NAMES[value], value }));
const show = (...operation: ChsOperation[]) => ({ show: { operation } });

const operationProperty: INodeProperties = {
  displayName: 'Operation',
  name: 'operation',
  type: 'options',
  noDataExpression: true,
  options: [
    { name: 'Create Incident', value: 'createIncident', action: 'Create an incident from a contact', description: 'Create the incident in the CHS from the canonical contact item' },
    { name: 'Update Incident', value: 'updateIncident', action: 'Record the operator review on an incident', description: 'Record crime decision, classification, opening code and deploy decision' },
    { name: 'Add Log Entry', value: 'addLogEntry', action: 'Add a log entry to an incident', description: 'Add a line to the incident log' },
    { name: 'Get Incident', value: 'getIncident', action: 'Get an incident', description: 'Read the incident and its log entries' },
  ],
  default: 'createIncident',
};

const commonProperties: INodeProperties[] = [
  {
    displayName: 'Submission ID',
    name: 'submissionId',
    type: 'string',
    default: '={{ $json.submission.id }}',
    required: true,
    description: 'SOH submission ID of the item. Used in the idempotency key, so a retry or a re-run never creates a second incident.',
  },
  {
    displayName: 'Incident ID',
    name: 'incidentId',
    type: 'string',
    default: '={{ $json.chs.incidentId }}',
    required: true,
    description: 'CHS incident ID, e.g. INC-000042. The default reads the ID that Create Incident added to the item.',
    displayOptions: show('updateIncident', 'addLogEntry', 'getIncident'),
  },
];

const createProperties: INodeProperties[] = [
  {
    displayName: 'Force Reference',
    name: 'reference',
    type: 'string',
    default: '={{ $json.reference }}',
    description: 'Reference given to the person who reported it; sent as a force-reference external reference. Leave empty to send none.',
    displayOptions: show('createIncident'),
  },
  {
    displayName: 'Opening Codes',
    name: 'openingCodeTable',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true, sortable: true },
    placeholder: 'Add Form Type',
    description:
      'Opening code for each SOH form type. The defaults are examples only, because the NSIR code list is not public: replace them with your force’s codes. A form type of * matches any form.',
    default: { rules: EXAMPLE_OPENING_CODE_TABLE.map((rule) => ({ ...rule })) },
    displayOptions: show('createIncident'),
    options: [
      {
        name: 'rules',
        displayName: 'Rule',
        values: [
          { displayName: 'Form Type', name: 'formType', type: 'string', default: '', placeholder: 'OCR', description: 'SOH service code, e.g. OCR, RTI, ASB' },
          { displayName: 'Opening Code', name: 'openingCode', type: 'string', default: '', placeholder: 'CRIME-REPORT' },
        ],
      },
    ],
  },
  {
    displayName: 'Fallback Opening Code',
    name: 'fallbackOpeningCode',
    type: 'string',
    default: EXAMPLE_FALLBACK_OPENING_CODE,
    required: true,
    description: 'Opening code for a form type with no rule above (an example; set your force’s code)',
    displayOptions: show('createIncident'),
  },
  {
    displayName: 'Default Priority',
    name: 'defaultPriority',
    type: 'options',
    options: priorityOptions,
    default: 'scheduled',
    description: 'Priority when the submission has no high harm flag and is not still happening; those get Priority',
    displayOptions: show('createIncident'),
  },
  {
    displayName: 'Overrides',
    name: 'overrides',
    type: 'collection',
    placeholder: 'Add Override',
    default: {},
    description: 'Values that replace the mapped ones; use expressions to compute them from the item',
    displayOptions: show('createIncident'),
    options: [
      { displayName: 'Informant Email', name: 'informantEmail', type: 'string', placeholder: 'name@example.com', default: '' },
      { displayName: 'Informant Name', name: 'informantName', type: 'string', default: '' },
      { displayName: 'Informant Phone', name: 'informantPhone', type: 'string', default: '' },
      { displayName: 'Location Text', name: 'locationText', type: 'string', default: '', description: 'Address or place as one line' },
      { displayName: 'Narrative', name: 'narrative', type: 'string', typeOptions: { rows: 6 }, default: '' },
      { displayName: 'Opening Code', name: 'openingCode', type: 'string', default: '' },
      { displayName: 'Priority', name: 'priority', type: 'options', options: priorityOptions, default: 'scheduled' },
    ],
  },
];

const updateProperties: INodeProperties[] = [
  {
    displayName: 'Crime Decision',
    name: 'crimeDecision',
    type: 'options',
    options: [
      { name: 'No Change', value: 'none' },
      { name: 'Crime', value: 'crime' },
      { name: 'Not a Crime', value: 'not-crime' },
    ],
    default: 'none',
    displayOptions: show('updateIncident'),
  },
  {
    displayName: 'Rationale',
    name: 'crimeRationale',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    description: 'Why the operator decided this. Required for Not a Crime.',
    displayOptions: { show: { operation: ['updateIncident'], crimeDecision: ['crime', 'not-crime'] } },
  },
  {
    displayName: 'Actions Taken',
    name: 'crimeActions',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '',
    displayOptions: { show: { operation: ['updateIncident'], crimeDecision: ['not-crime'] } },
  },
  {
    displayName: 'Classification Code',
    name: 'classificationCode',
    type: 'string',
    default: '',
    description: 'Home Office classification as your force records it; leave empty for no change',
    displayOptions: show('updateIncident'),
  },
  {
    displayName: 'Crime Type',
    name: 'crimeType',
    type: 'string',
    default: '',
    displayOptions: show('updateIncident'),
  },
  {
    displayName: 'Amended Opening Code',
    name: 'amendedOpeningCode',
    type: 'string',
    default: '',
    description: 'New opening code after review; leave empty for no change',
    displayOptions: show('updateIncident'),
  },
  {
    displayName: 'Deploy Decision',
    name: 'deployDecision',
    type: 'options',
    options: [
      { name: 'No Change', value: 'none' },
      { name: 'Deploy', value: 'deploy' },
      { name: 'Do Not Deploy', value: 'no-deploy' },
    ],
    default: 'none',
    displayOptions: show('updateIncident'),
  },
  {
    displayName: 'Deploy Rationale',
    name: 'deployRationale',
    type: 'string',
    default: '',
    displayOptions: { show: { operation: ['updateIncident'], deployDecision: ['deploy', 'no-deploy'] } },
  },
  {
    displayName: 'Decided By',
    name: 'decidedBy',
    type: 'string',
    default: '',
    placeholder: 'Operator 1234',
    description: 'Name or collar number of the operator who made the decision',
    displayOptions: show('updateIncident'),
  },
];

const logEntryProperties: INodeProperties[] = [
  {
    displayName: 'Text',
    name: 'logText',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    displayOptions: show('addLogEntry'),
  },
  {
    displayName: 'Category',
    name: 'logCategory',
    type: 'options',
    options: LOG_ENTRY_CATEGORIES.map((value) => ({ name: value[0].toUpperCase() + value.slice(1), value })),
    default: 'note',
    displayOptions: show('addLogEntry'),
  },
  {
    displayName: 'Author',
    name: 'logAuthor',
    type: 'string',
    default: '',
    displayOptions: show('addLogEntry'),
  },
];

const optionsProperty: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add Option',
  default: {},
  // Defaults repeat DEFAULT_RETRY_POLICY as literals for n8n's linter; a unit test keeps them equal.
  options: [
    {
      displayName: 'Initial Back-Off (Ms)',
      name: 'initialBackoffMs',
      type: 'number',
      typeOptions: { minValue: 0 },
      default: 500,
      description: 'Upper bound of the random wait before the first retry, in milliseconds; it doubles for each later retry',
    },
    {
      displayName: 'Max Attempts',
      name: 'maxAttempts',
      type: 'number',
      typeOptions: { minValue: 1, maxValue: 20 },
      default: 5,
      description: 'Attempts per request, the first included, for timeouts, dropped connections, 408, 429 and 5xx responses. Other 4xx responses are never retried.',
    },
    {
      displayName: 'Max Total Time (S)',
      name: 'maxTotalSeconds',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 60,
      description: 'Seconds after which no further retry starts for a request',
    },
    {
      displayName: 'Request Timeout (S)',
      name: 'timeoutSeconds',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 30,
      description: 'Seconds to wait for each response; a timeout counts as a retryable failure',
    },
    {
      displayName: 'Update Intake Ledger',
      name: 'updateLedger',
      type: 'boolean',
      default: true,
      description: 'Whether to mark the submission written-to-chs in the Contact Hub Store when that credential is set',
    },
  ],
};

export const properties: INodeProperties[] = [
  operationProperty,
  ...commonProperties,
  ...createProperties,
  ...updateProperties,
  ...logEntryProperties,
  optionsProperty,
];

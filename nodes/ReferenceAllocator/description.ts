/** Parameters of the Reference Allocator node. */
import type { INodeProperties } from 'n8n-workflow';

export const OPERATIONS = ['allocate', 'lookUp', 'validate'] as const;
export type ReferenceOperation = (typeof OPERATIONS)[number];

const show = (...operation: ReferenceOperation[]) => ({ show: { operation } });

const operationProperty: INodeProperties = {
  displayName: 'Operation',
  name: 'operation',
  type: 'options',
  noDataExpression: true,
  options: [
    {
      name: 'Allocate',
      value: 'allocate',
      action: 'Allocate a reference for a submission',
      description: 'Give the submission the next reference, or the one it already has',
    },
    {
      name: 'Look Up',
      value: 'lookUp',
      action: 'Look up the reference of a submission',
      description: 'Read the reference already allocated to the submission, without allocating one',
    },
    {
      name: 'Validate',
      value: 'validate',
      action: 'Validate a reference',
      description: 'Check that a text is a reference in this format with a correct check character',
    },
  ],
  default: 'allocate',
};

const formatProperties: INodeProperties[] = [
  {
    displayName: 'Pattern',
    name: 'pattern',
    type: 'string',
    default: '{FORCE}/{SEQ}/{YY}',
    required: true,
    placeholder: '{FORCE}/{SEQ:5}/{YY}',
    description: 'How references look: literal text plus tokens in braces',
    hint:
      'Tokens: {FORCE} force code, {YYYY} or {YY} year, {MM} month, {MON} month name (Jan…Dec), {DD} day, {SEQ} or {SEQ:n} sequence zero-padded to n digits, {CHECK} check character. Examples: {FORCE}/{SEQ:5}/{YY} → 46/12345/25; {SEQ:4}/{DD}{MON} (daily) → 2089/21Nov; serial {SEQ:4} of {DD}/{MM} (daily) → serial 0500 of 05/08; {YY}{SEQ:9} → 11 digits. Dates are Europe/London.',
  },
  {
    displayName: 'Force Code',
    name: 'forceCode',
    type: 'string',
    default: '={{ $json.submission.forceIdentifier }}',
    placeholder: '46',
    description:
      "Replaces {FORCE} in the pattern. Letters and digits only. By default the force identifier iHub sent with the submission; type your force's own code if your references use another.",
  },
  {
    displayName: 'Sequence Width',
    name: 'sequenceWidth',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 15 },
    default: 5,
    description: 'Digits in {SEQ}, zero-padded. {SEQ:n} in the pattern overrides it. Allocation fails once the sequence no longer fits.',
  },
  {
    displayName: 'Reset Period',
    name: 'resetPeriod',
    type: 'options',
    options: [
      { name: 'Never', value: 'never', description: 'One sequence for ever' },
      { name: 'Yearly', value: 'yearly', description: 'Starts again at 1 on 1 January (the pattern must show the year)' },
      { name: 'Monthly', value: 'monthly', description: 'Starts again at 1 each month (the pattern must show the month)' },
      { name: 'Daily', value: 'daily', description: 'Starts again at 1 each day (the pattern must show the day and month)' },
    ],
    default: 'yearly',
    description: 'When the sequence starts again at 1, by the date in Europe/London',
  },
  {
    displayName: 'Check Character',
    name: 'checkCharacter',
    type: 'boolean',
    default: false,
    description:
      'Whether to add a check character, at {CHECK} or at the end. It catches one misread character or two swapped neighbours when a reference is read over the phone: a digit (Damm) for all-digit references, otherwise 0-9 or A-Z (ISO 7064 MOD 37,36).',
  },
];

const submissionProperties: INodeProperties[] = [
  {
    displayName: 'Submission ID',
    name: 'submissionId',
    type: 'string',
    default: '={{ $json.submission.id }}',
    required: true,
    description: 'SOH submission ID. With the same Pattern and Force Code, the same ID always gets the same reference, so re-runs and re-deliveries are safe.',
    displayOptions: show('allocate', 'lookUp'),
  },
  {
    displayName: 'Allocation Date',
    name: 'allocationDate',
    type: 'string',
    default: '={{ $json.submission?.submitTime?.utc ?? "" }}',
    description: 'ISO 8601 time whose Europe/London date goes into the reference and picks the reset period. Empty means now.',
    displayOptions: show('allocate', 'lookUp'),
  },
  {
    displayName: 'Output Field',
    name: 'outputField',
    type: 'string',
    default: 'reference',
    required: true,
    description: 'Top-level field of the output item that receives the reference. Look Up sets it to null when the submission has none.',
    displayOptions: show('allocate', 'lookUp'),
  },
];

const validateProperties: INodeProperties[] = [
  {
    displayName: 'Reference',
    name: 'referenceText',
    type: 'string',
    default: '={{ $json.reference }}',
    required: true,
    description: 'The text to check, for example a reference a caller read out',
    displayOptions: show('validate'),
  },
  {
    displayName: 'Result Field',
    name: 'validationField',
    type: 'string',
    default: 'referenceValidation',
    required: true,
    description: 'Top-level field of the output item that receives { valid, reason, parts }',
    displayOptions: show('validate'),
  },
];

export const properties: INodeProperties[] = [operationProperty, ...formatProperties, ...submissionProperties, ...validateProperties];

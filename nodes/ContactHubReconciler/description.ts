/** Parameters of the Contact Hub Reconciler. n8n adds the Poll Times parameter itself, because the node polls. */
import type { INodeProperties } from 'n8n-workflow';

export const properties: INodeProperties[] = [
  {
    displayName:
      'Emits submissions that stopped part-way (for example because n8n was stopped) so this workflow can re-drive them. Every writer is idempotent, so a re-drive never creates a second record.',
    name: 'notice',
    type: 'notice',
    default: '',
  },
  {
    displayName: 'Unfinished After (Minutes)',
    name: 'thresholdMinutes',
    type: 'number',
    typeOptions: { minValue: 0, numberPrecision: 2 },
    default: 15,
    description:
      'How long a submission must have gone without progress before it counts as unfinished. Set it longer than your slowest normal run, so running executions are left alone.',
  },
  {
    displayName: 'Max Submissions per Poll',
    name: 'maxPerPoll',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'The maximum number of submissions claimed in one poll; the rest wait for the next poll',
  },
  {
    displayName: 'Max Re-Drive Attempts',
    name: 'maxAttempts',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 3,
    description:
      'How many times a submission is re-driven. After that it goes to the Alert output and the intake ledger marks it for manual handling.',
  },
  {
    displayName: 'Claim Lease (Minutes)',
    name: 'leaseMinutes',
    type: 'number',
    typeOptions: { minValue: 0.1, numberPrecision: 2 },
    default: 10,
    description:
      'How long a claimed submission is kept from other reconcilers (other n8n processes or hosts). If the holder dies, the claim expires after this time and another poll takes the submission over.',
  },
  {
    displayName: 'Final Step of the Path',
    name: 'finalStep',
    type: 'options',
    options: [
      {
        name: 'Written to Athena',
        value: 'written-to-athena',
        description: 'The path writes to CHS and then Athena (template "iHub Standard API to CHS and Athena")',
      },
      {
        name: 'Written to CHS',
        value: 'written-to-chs',
        description: 'The path ends at CHS (template "iHub Standard API to CHS" and the email fallback)',
      },
    ],
    default: 'written-to-athena',
    description:
      'A submission at this step whose audit event for the step is in the audit log is marked completed by the next poll',
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Confirm With Audit Log',
        name: 'confirmWithAudit',
        type: 'boolean',
        default: true,
        description:
          'Whether a submission at the final step is marked completed only when the audit log holds the event for that step. Turn off only for a path without Audit Logger nodes.',
      },
    ],
  },
];

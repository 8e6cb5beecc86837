/** The Athena Writer's parameters: the operation and each operation's fields. */
import type { INodeProperties } from 'n8n-workflow';
import { addToOccurrenceProperties } from './actions/addToOccurrence';
import { createOccurrenceProperties } from './actions/createOccurrence';
import { getOccurrenceProperties } from './actions/getOccurrence';
import { requestOptionsProperty } from './common';

export const athenaWriterProperties: INodeProperties[] = [
    {
      displayName: 'Operation',
      name: 'operation',
      type: 'options',
      noDataExpression: true,
      options: [
        {
          name: 'Create Occurrence',
          value: 'createOccurrence',
          action: 'Create an occurrence from a contact',
          description:
            'Create the occurrence for a submission (or find the one an earlier run created), then link, create or describe each person. Unsure matches go to the Person Review output.',
        },
        {
          name: 'Add to Occurrence',
          value: 'addToOccurrence',
          action: 'Add to an occurrence',
          description: 'Add description text, link an existing nominal, or create a nominal for a reviewed person',
        },
        { name: 'Get Occurrence', value: 'getOccurrence', action: 'Get an occurrence', description: 'Read an occurrence with its links and descriptions' },
      ],
      default: 'createOccurrence',
    },
    {
      displayName:
        'A person below the national standard (4+1 for a known person, 4 of 7 physical attributes for an unknown suspect) is never created: their description is added to the occurrence as text',
      name: 'standardsNotice',
      type: 'notice',
      default: '',
      displayOptions: { show: { operation: ['createOccurrence'] } },
    },
    ...createOccurrenceProperties,
    ...addToOccurrenceProperties,
    ...getOccurrenceProperties,
    requestOptionsProperty,
];

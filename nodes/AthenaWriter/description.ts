/** The Athena Writer's face in the n8n editor: name, outputs, credentials and parameters. */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { addToOccurrenceProperties } from './actions/addToOccurrence';
import { createOccurrenceProperties } from './actions/createOccurrence';
import { getOccurrenceProperties } from './actions/getOccurrence';
import { requestOptionsProperty } from './common';

export const athenaWriterDescription: INodeTypeDescription = {
  displayName: 'Athena Writer',
  name: 'athenaWriter',
  icon: { light: 'file:athenaWriter.svg', dark: 'file:athenaWriter.dark.svg' },
  group: ['output'],
  version: 1,
  subtitle: '={{ { createOccurrence: "Create occurrence", addToOccurrence: "Add to occurrence", getOccurrence: "Get occurrence" }[$parameter["operation"]] }}',
  description:
    'Writes a contact into Athena as an occurrence with its locations, objects and people, applying the Minimum POLE Data Standards so no junk or duplicate person records are created',
  defaults: { name: 'Athena Writer' },
  inputs: [NodeConnectionTypes.Main],
  outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
  outputNames: ['Written', 'Person Review'],
  credentials: [{ name: 'athenaApi', required: true }],
  properties: [
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
  ],
};

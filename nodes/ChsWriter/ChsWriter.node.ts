import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { route } from './actions/router';
import { properties } from './description';
import { testContactHubStoreCredential } from '../shared/store';

/** Writes contacts to the force's contact handling system (CHS) over the contract in docs/contracts/chs.openapi.yaml. */
export class ChsWriter implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'CHS Writer',
    name: 'chsWriter',
    icon: { light: 'file:chsWriter.svg', dark: 'file:chsWriter.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{ $parameter["operation"] }}',
    description: 'Create and update incidents in the contact handling system from Single Online Home contacts',
    defaults: { name: 'CHS Writer' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      { name: 'chsApi', required: true },
      { name: 'contactHubStoreApi', required: false, testedBy: 'contactHubStoreTest' },
    ],
    properties,
  };

  methods = {
    credentialTest: { contactHubStoreTest: testContactHubStoreCredential },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return route(this);
  }
}

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testContactHubStoreCredential } from '../shared/store';
import { route } from './actions/router';
import { properties } from './description';

/** Gives each submission the force's reference from a configurable pattern, once and never twice. */
export class ReferenceAllocator implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Reference Allocator',
    name: 'referenceAllocator',
    icon: { light: 'file:referenceAllocator.svg', dark: 'file:referenceAllocator.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] + ": " + $parameter["pattern"] }}',
    description: "Allocate, look up and validate the force's reference for a Single Online Home submission",
    defaults: { name: 'Reference Allocator' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'contactHubStoreApi', required: true, testedBy: 'contactHubStoreApiTest' }],
    properties,
  };

  methods = {
    credentialTest: {
      contactHubStoreApiTest: testContactHubStoreCredential,
    },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return route(this);
  }
}

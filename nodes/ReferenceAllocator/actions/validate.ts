import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { validateReference } from '../../../core/reference';
import { readFormat, readOutputField } from './common';

/** Checks a reference's shape, date and check character; needs no store. */
export async function validate(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Promise<IDataObject> {
  const format = readFormat(context, itemIndex);
  const text = context.getNodeParameter('referenceText', itemIndex, '') as unknown;
  const resultField = readOutputField(context, itemIndex, 'validationField', 'Result Field');

  const result = validateReference(format, typeof text === 'string' || typeof text === 'number' ? String(text) : '');
  const value: IDataObject = { valid: result.valid };
  if (result.reason) value.reason = result.reason;
  if (result.parts) value.parts = { ...result.parts };
  return { ...item.json, [resultField]: value };
}

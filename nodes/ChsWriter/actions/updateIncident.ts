/** Update Incident: records the operator's review (crime decision, classification, opening code, deploy decision). */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { UpdateIncidentRequestSchema, type Incident, type UpdateIncidentRequest } from '../../../core/chs/contract';
import { deriveIdempotencyKey } from '../../shared/http';
import { withIds } from '../../shared/logging';
import { chsRequest, type ChsSettings } from '../transport';
import { bodyDigest, existingChs, logContext, optionalString, readSubmissionId, requireString } from './common';

const INCIDENT_ID_HINT = 'Set Incident ID, or run Create Incident first so the item has chs.incidentId.';

export function buildUpdateRequest(context: IExecuteFunctions, itemIndex: number): UpdateIncidentRequest {
  const request: UpdateIncidentRequest = {};

  const crimeDecision = context.getNodeParameter('crimeDecision', itemIndex, 'none') as 'none' | 'crime' | 'not-crime';
  if (crimeDecision !== 'none') {
    const rationale = optionalString(context, 'crimeRationale', itemIndex);
    const actions = crimeDecision === 'not-crime' ? optionalString(context, 'crimeActions', itemIndex) : undefined;
    request.crimeDecision = { decision: crimeDecision, ...(rationale ? { rationale } : {}), ...(actions ? { actions } : {}) };
  }

  const classificationCode = optionalString(context, 'classificationCode', itemIndex);
  const crimeType = optionalString(context, 'crimeType', itemIndex);
  if (classificationCode) request.classification = { code: classificationCode, ...(crimeType ? { crimeType } : {}) };

  const openingCode = optionalString(context, 'amendedOpeningCode', itemIndex);
  if (openingCode) request.openingCode = openingCode;

  const deployDecision = context.getNodeParameter('deployDecision', itemIndex, 'none') as 'none' | 'deploy' | 'no-deploy';
  if (deployDecision !== 'none') {
    const rationale = optionalString(context, 'deployRationale', itemIndex);
    request.deployDecision = { decision: deployDecision, ...(rationale ? { rationale } : {}) };
  }

  const decidedBy = optionalString(context, 'decidedBy', itemIndex);
  if (decidedBy) request.decidedBy = decidedBy;
  return request;
}

export async function updateIncident(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, settings: ChsSettings): Promise<IDataObject> {
  const submissionId = readSubmissionId(context, itemIndex);
  const incidentId = requireString(context, 'incidentId', 'Incident ID', itemIndex, INCIDENT_ID_HINT);
  const request = buildUpdateRequest(context, itemIndex);

  const parsed = UpdateIncidentRequestSchema.safeParse(request);
  if (!parsed.success) {
    // A whole-object issue ("needs at least one decision") is only the cause when no field failed.
    const fieldIssues = parsed.error.issues.filter((issue) => issue.path.length > 0);
    const problems = (fieldIssues.length > 0 ? fieldIssues : parsed.error.issues).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'update'}: ${issue.message}`).join('; ');
    throw new NodeOperationError(context.getNode(), `Invalid review for incident ${incidentId} (submission ${submissionId}): ${problems}`, {
      itemIndex,
      description: 'Set at least one decision; a Not a Crime decision needs a rationale.',
    });
  }

  const result = await chsRequest<Incident>(context, settings, itemIndex, {
    method: 'PATCH',
    path: `/incidents/${encodeURIComponent(incidentId)}`,
    body: parsed.data as unknown as IDataObject,
    idempotencyKey: deriveIdempotencyKey('chs', 'update-incident', submissionId, incidentId, bodyDigest(parsed.data)),
    action: `update incident ${incidentId} for submission ${submissionId}`,
    logContext: logContext(submissionId, item, { incidentId }),
  });

  const incident = result.body;
  const metadata = logContext(submissionId, item, { incidentId, replayed: result.replayed });
  context.logger.info(withIds('CHS Writer: incident updated', metadata), metadata);
  return {
    ...item.json,
    chs: {
      ...existingChs(item),
      incidentId: incident.id,
      openingCode: incident.openingCode,
      ...(incident.classification ? { classification: incident.classification } : {}),
      ...(incident.crimeDecision ? { crimeDecision: incident.crimeDecision } : {}),
      ...(incident.deployDecision ? { deployDecision: incident.deployDecision } : {}),
      updatedAt: incident.updatedAt,
      replayed: result.replayed,
    },
  };
}

/**
 * Node builders for the template workflows in `workflows/`. Each builder returns one n8n node as
 * it appears in an exported workflow JSON. Parameter names follow the node descriptions of this
 * package and of n8n-nodes-base in n8n 2.41.1; keeping them here means a renamed parameter is
 * fixed in one place and every template is regenerated.
 */
import { createHash } from 'node:crypto';

export interface TemplateNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  webhookId?: string;
  onError?: 'continueErrorOutput' | 'continueRegularOutput' | 'stopWorkflow';
  alwaysOutputData?: boolean;
  notes?: string;
  notesInFlow?: boolean;
}

export const PACKAGE = 'n8n-nodes-contact-hub';

/** Data tables the templates write to; the demo and the tests create them before publishing. */
export const MANUAL_HANDLING_TABLE = 'contact_hub_manual_handling';
export const PERSON_REVIEW_TABLE = 'contact_hub_person_review';

export const MANUAL_HANDLING_COLUMNS = [
  'submissionId',
  'reference',
  'formType',
  'source',
  'code',
  'reason',
  'at',
  'workflow',
  'executionId',
] as const;

export const PERSON_REVIEW_COLUMNS = [
  'submissionId',
  'reference',
  'occurrenceId',
  'personId',
  'roles',
  'candidateNominalId',
  'reason',
  'at',
  'executionId',
] as const;

/** Placeholder address the templates send contact-centre notices to; a force replaces it. */
export const CONTACT_CENTRE_ADDRESS = 'contact-centre@example.com';
export const SENDER_ADDRESS = 'contact-hub@example.com';

/** Derive a UUID-shaped id from the template and node name, so regenerating a template gives the same file. */
export function stableId(templateKey: string, name: string): string {
  const hex = createHash('sha256').update(`${templateKey}:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function node(
  templateKey: string,
  name: string,
  type: string,
  typeVersion: number,
  position: [number, number],
  parameters: Record<string, unknown>,
  extra: Partial<TemplateNode> = {},
): TemplateNode {
  return { parameters, id: stableId(templateKey, name), name, type, typeVersion, position, ...extra };
}

/** Build a sticky note; `size` is width and height in canvas pixels. */
export function sticky(
  templateKey: string,
  name: string,
  position: [number, number],
  size: [number, number],
  content: string,
  color = 7,
): TemplateNode {
  return node(templateKey, name, 'n8n-nodes-base.stickyNote', 1, position, {
    content,
    height: size[1],
    width: size[0],
    color,
  });
}

export interface AuditOptions {
  targetSystem?: string;
  targetRecordId?: string;
  outcome?: 'success' | 'failure' | 'partial' | 'rejected';
  justification?: string;
  submissionId?: string;
  reference?: string;
  actor?: { type: 'person'; id: string; name: string; role: string };
}

/**
 * Audit Logger "Append Event". A failed audit write stops the execution on purpose, so n8n runs the
 * error workflow (the Error handler template), which records it in the manual-handling table.
 */
export function auditAppend(templateKey: string, name: string, position: [number, number], step: string, options: AuditOptions = {}): TemplateNode {
  const parameters: Record<string, unknown> = { operation: 'appendEvent', step };
  if (options.outcome) parameters.outcome = options.outcome;
  if (options.submissionId) parameters.submissionId = options.submissionId;
  if (options.reference) parameters.reference = options.reference;
  if (options.targetSystem) parameters.targetSystem = options.targetSystem;
  if (options.targetRecordId) parameters.targetRecordId = options.targetRecordId;
  if (options.justification) parameters.justification = options.justification;
  if (options.actor) {
    parameters.actorType = options.actor.type;
    parameters.actorId = options.actor.id;
    parameters.actorName = options.actor.name;
    parameters.actorRole = options.actor.role;
  }
  return node(templateKey, name, `${PACKAGE}.auditLogger`, 1, position, parameters);
}

export function manualHandlingRow(templateKey: string, name: string, position: [number, number], workflowLabel: string): TemplateNode {
  const value: Record<string, string> = {
    submissionId: "={{ $json.submission?.id ?? $json.submissionId ?? '' }}",
    reference: "={{ $json.reference ?? '' }}",
    formType: "={{ $json.formType ?? '' }}",
    source: "={{ $json.source ?? '' }}",
    code: "={{ $json.manualHandling?.code ?? 'unknown' }}",
    reason: "={{ $json.manualHandling?.reason ?? 'No reason was recorded; open the execution to see what happened.' }}",
    at: '={{ $json.manualHandling?.at ?? $now.toUTC().toISO() }}',
    workflow: workflowLabel,
    executionId: '={{ $execution.id }}',
  };
  return dataTableInsert(templateKey, name, position, MANUAL_HANDLING_TABLE, value);
}

export function dataTableInsert(
  templateKey: string,
  name: string,
  position: [number, number],
  table: string,
  value: Record<string, string>,
): TemplateNode {
  return node(templateKey, name, 'n8n-nodes-base.dataTable', 1.1, position, {
    resource: 'row',
    operation: 'insert',
    dataTableId: { __rl: true, mode: 'name', value: table },
    columns: {
      mappingMode: 'defineBelow',
      value,
      matchingColumns: [],
      schema: Object.keys(value).map((column) => ({
        id: column,
        displayName: column,
        required: false,
        defaultMatch: false,
        display: true,
        type: 'string',
        canBeUsedToMatch: true,
        readOnly: false,
        removed: false,
      })),
      attemptToConvertTypes: false,
      convertFieldsToString: false,
    },
    options: {},
  });
}

export function emailContactCentre(
  templateKey: string,
  name: string,
  position: [number, number],
  subject: string,
  text: string,
): TemplateNode {
  return node(
    templateKey,
    name,
    'n8n-nodes-base.emailSend',
    2.1,
    position,
    {
      fromEmail: SENDER_ADDRESS,
      toEmail: CONTACT_CENTRE_ADDRESS,
      subject,
      emailFormat: 'text',
      text,
      options: { appendAttribution: false },
    },
    // The data table row and the audit event already hold the reason, so a mail outage must not fail the run.
    { onError: 'continueRegularOutput' },
  );
}

/**
 * Respond to Webhook with a 201 JSON:API body. NOTE: version 1 on purpose, because versions 1.1 and
 * later refuse to run unless a parent node is n8n's own Webhook, Form, Chat or Wait node (checked in
 * n8n 2.41.1), and the SOH Trigger is a community node.
 */
export function respond201(templateKey: string, name: string, position: [number, number], body: string): TemplateNode {
  return node(templateKey, name, 'n8n-nodes-base.respondToWebhook', 1, position, {
    respondWith: 'json',
    responseBody: body,
    options: {
      responseCode: 201,
      responseHeaders: { entries: [{ name: 'Content-Type', value: 'application/vnd.api+json' }] },
    },
  });
}

interface IfCondition {
  leftValue: string;
  rightValue: string;
  operator: { type: string; operation: string; singleValue?: boolean };
}

/** If node whose true output (0) is taken when any of `conditions` holds. */
export function ifAny(templateKey: string, name: string, position: [number, number], conditions: IfCondition[]): TemplateNode {
  return node(templateKey, name, 'n8n-nodes-base.if', 2.2, position, {
    conditions: {
      options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
      conditions: conditions.map((condition, index) => ({ id: stableId(templateKey, `${name}:condition:${index}`), ...condition })),
      combinator: 'or',
    },
    looseTypeValidation: true,
    options: {},
  });
}

export function ifManualHandling(templateKey: string, name: string, position: [number, number]): TemplateNode {
  return ifAny(templateKey, name, position, [
    { leftValue: '={{ $json.manualHandling }}', rightValue: '', operator: { type: 'object', operation: 'exists', singleValue: true } },
  ]);
}

/**
 * If node that sends items carrying `error` to its true output (0). The Contact Hub nodes, set to
 * "On Error: Continue", put a failed item on their main output with an `error` field, so this is
 * how a template sends a failed write to manual handling.
 */
export function ifFailed(templateKey: string, name: string, position: [number, number]): TemplateNode {
  return ifAny(templateKey, name, position, [
    { leftValue: '={{ $json.error }}', rightValue: '', operator: { type: 'object', operation: 'exists', singleValue: true } },
  ]);
}

/** Contact Hub node whose failed items continue on its main output with an `error` field, for `ifFailed`. */
export function writer(
  templateKey: string,
  name: string,
  nodeName: 'referenceAllocator' | 'chsWriter' | 'athenaWriter',
  position: [number, number],
  parameters: Record<string, unknown>,
): TemplateNode {
  return node(templateKey, name, `${PACKAGE}.${nodeName}`, 1, position, parameters, { onError: 'continueRegularOutput' });
}

/** Equality test on a string expression, for `ifAny`. */
export function equals(leftValue: string, rightValue: string): IfCondition {
  return { leftValue, rightValue, operator: { type: 'string', operation: 'equals' } };
}

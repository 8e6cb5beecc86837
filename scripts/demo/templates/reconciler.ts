/**
 * The reconciler template: the Contact Hub Reconciler finds submissions that stopped part-way and
 * re-drives them through the same idempotent steps as the iHub Standard API to CHS and Athena
 * template. A submission that has used up its re-drives goes to manual handling.
 */
import {
  auditAppend,
  CONTACT_CENTRE_ADDRESS,
  dataTableInsert,
  emailContactCentre,
  equals,
  ifAny,
  ifFailed,
  MANUAL_HANDLING_TABLE,
  manualHandlingRow,
  node,
  PACKAGE,
  PERSON_REVIEW_TABLE,
  sticky,
  type TemplateNode,
  writer,
} from './nodes';

/** The same shape as `TemplateWorkflow` in build.ts, repeated here so build.ts can import this file. */
export interface ReconcilerTemplate {
  name: string;
  nodes: TemplateNode[];
  connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
  settings: Record<string, unknown>;
  pinData: Record<string, unknown>;
  meta: Record<string, unknown>;
  tags: unknown[];
}

export const RECONCILER_TEMPLATE_KEY = 'reconciler';
export const RECONCILER_TEMPLATE_FILE = 'contact-hub-reconciler';
export const RECONCILER_NODE_NAME = 'Find unfinished submissions';

/**
 * Parameters of *Allocate force reference*. They must match the intake templates' allocator,
 * because a reference belongs to a scope made of the pattern and the force code: with another
 * pattern a re-drive would allocate a second reference instead of returning the first.
 */
export const RECONCILER_ALLOCATOR_PARAMETERS = { operation: 'allocate', pattern: '{FORCE}/{SEQ}/{YY}', forceCode: '42' };

const KEY = RECONCILER_TEMPLATE_KEY;
const X = 300;
const MAIN_Y = 460;
const BRANCH_Y = 760;
const ALERT_Y = 1060;
const NOTE_Y = 40;

const FAILURE_REASON = "={{ 'Re-drive attempt ' + $json.reconcile.attempts + ' failed: ' + ($json.error?.message ?? 'unknown error') }}";

const ALERT_EMAIL_SUBJECT = '=Submission not finished after re-drives: {{ $json.reference || $json.submissionId }} ({{ $json.code }})';
const ALERT_EMAIL_TEXT =
  '=A submission from Single Online Home stopped part-way and could not be finished automatically.\n\n' +
  'Submission: {{ $json.submissionId }}\nReference: {{ $json.reference || "not allocated" }}\n' +
  'Form type: {{ $json.formType }}\nReason: {{ $json.reason }}\n\n' +
  'Check CHS and Athena for the records named in the reason, finish the missing step by hand, and tell the person reporting if needed. ' +
  `The intake ledger marks the submission for manual handling; the row is in the n8n data table "${MANUAL_HANDLING_TABLE}".`;

export function reconcilerTemplate(): ReconcilerTemplate {
  const nodes: TemplateNode[] = [];
  const connections: ReconcilerTemplate['connections'] = {};
  const add = (item: TemplateNode): TemplateNode => {
    nodes.push(item);
    return item;
  };
  const connect = (from: TemplateNode, to: TemplateNode, output = 0): void => {
    const outputs = (connections[from.name] ??= { main: [] }).main;
    while (outputs.length <= output) outputs.push([]);
    outputs[output].push({ node: to.name, type: 'main', index: 0 });
  };
  const note = (name: string, column: number, row: number, columns: number, rows: number, content: string, color = 7): void => {
    add(sticky(KEY, name, [column * X - 40, row], [columns * X - 20, rows], content, color));
  };

  const reconciler = add(
    node(KEY, RECONCILER_NODE_NAME, `${PACKAGE}.contactHubReconciler`, 1, [0, MAIN_Y], {
      pollTimes: { item: [{ mode: 'everyMinute' }] },
      thresholdMinutes: 15,
      maxPerPoll: 50,
      maxAttempts: 3,
      leaseMinutes: 10,
      finalStep: 'written-to-athena',
      options: {},
    }),
  );
  const stoppedAtReceipt = add(
    ifAny(KEY, 'Stopped before the receipt audit?', [X, MAIN_Y], [equals('={{ $json.reconcile.state }}', 'received')]),
  );
  const received = add(
    auditAppend(KEY, 'Audit: submission received', [2 * X, MAIN_Y], 'received', {
      justification: "={{ 'Recorded on re-drive attempt ' + $json.reconcile.attempts + ': n8n stopped before the receipt was audited' }}",
    }),
  );
  const allocate = add(writer(KEY, 'Allocate force reference', 'referenceAllocator', [3 * X, MAIN_Y], { ...RECONCILER_ALLOCATOR_PARAMETERS }));
  const allocateFailed = add(ifFailed(KEY, 'Reference failed?', [4 * X, MAIN_Y]));
  const allocated = add(
    auditAppend(KEY, 'Audit: reference allocated', [5 * X, MAIN_Y], 'reference-allocated', {
      targetRecordId: '={{ $json.reference }}',
      justification: "={{ 'Re-drive attempt ' + $json.reconcile.attempts + ' by the reconciler' }}",
    }),
  );
  const chs = add(writer(KEY, 'Create CHS incident', 'chsWriter', [6 * X, MAIN_Y], { operation: 'createIncident' }));
  const chsFailed = add(ifFailed(KEY, 'CHS write failed?', [7 * X, MAIN_Y]));
  const writtenToChs = add(
    auditAppend(KEY, 'Audit: written to CHS', [8 * X, MAIN_Y], 'written-to-chs', {
      targetSystem: 'CHS',
      targetRecordId: '={{ $json.chs.incidentId }}',
    }),
  );
  const athena = add(writer(KEY, 'Create Athena occurrence', 'athenaWriter', [9 * X, MAIN_Y], { operation: 'createOccurrence' }));
  const athenaFailed = add(ifFailed(KEY, 'Athena write failed?', [10 * X, MAIN_Y]));
  const writtenToAthena = add(
    auditAppend(KEY, 'Audit: written to Athena', [11 * X, MAIN_Y], 'written-to-athena', {
      targetSystem: 'Athena',
      targetRecordId: '={{ $json.athena.occurrenceId }}',
    }),
  );
  // A submission stored just before n8n stopped may have no collection event yet; it gets one now.
  connect(reconciler, stoppedAtReceipt, 0);
  connect(stoppedAtReceipt, received, 0);
  connect(stoppedAtReceipt, allocate, 1);
  connect(received, allocate, 0);
  connect(allocate, allocateFailed);
  connect(allocateFailed, allocated, 1);
  connect(allocated, chs);
  connect(chs, chsFailed);
  connect(chsFailed, writtenToChs, 1);
  connect(writtenToChs, athena);
  connect(athena, athenaFailed, 0);
  connect(athenaFailed, writtenToAthena, 1);

  // A failed step is audited and left for the next poll; the re-drive count decides when to stop.
  // A failed audit write stops the execution, so n8n's error workflow (the Error handler template) records it.
  const referenceFailed = add(
    auditAppend(KEY, 'Audit: reference not allocated', [4 * X, BRANCH_Y], 'reference-allocated', { outcome: 'failure', justification: FAILURE_REASON }),
  );
  const chsWriteFailed = add(
    auditAppend(KEY, 'Audit: CHS write failed', [7 * X, BRANCH_Y], 'written-to-chs', {
      targetSystem: 'CHS',
      outcome: 'failure',
      justification: FAILURE_REASON,
    }),
  );
  const athenaWriteFailed = add(
    auditAppend(KEY, 'Audit: Athena write failed', [10 * X, BRANCH_Y], 'written-to-athena', {
      targetSystem: 'Athena',
      outcome: 'failure',
      justification: FAILURE_REASON,
    }),
  );
  connect(allocateFailed, referenceFailed, 0);
  connect(chsFailed, chsWriteFailed, 0);
  connect(athenaFailed, athenaWriteFailed, 0);

  const reviewRow = add(
    dataTableInsert(KEY, 'Person review queue', [9 * X, ALERT_Y], PERSON_REVIEW_TABLE, {
      submissionId: "={{ $json.submission?.id ?? '' }}",
      reference: "={{ $json.reference ?? '' }}",
      occurrenceId: "={{ $json.athena?.occurrenceId ?? $json.review?.occurrenceId ?? '' }}",
      personId: "={{ $json.review?.person?.id ?? $json.review?.personId ?? '' }}",
      roles: "={{ ($json.review?.roles ?? $json.review?.person?.roles ?? []).join(', ') }}",
      candidateNominalId: "={{ $json.review?.candidate?.id ?? $json.review?.candidateNominalId ?? '' }}",
      reason: "={{ $json.review?.reason ?? 'Possible match with an existing nominal' }}",
      at: '={{ $now.toUTC().toISO() }}',
      executionId: '={{ $execution.id }}',
    }),
  );
  const reviewAudit = add(
    auditAppend(KEY, 'Audit: person sent for review', [10 * X, ALERT_Y], 'person-decision', {
      submissionId: '={{ $json.submissionId }}',
      reference: '={{ $json.reference }}',
      targetSystem: 'Athena',
      targetRecordId: '={{ $json.occurrenceId }}',
      outcome: 'partial',
      justification: 'A possible match with an existing nominal needs a person to decide; nothing was created for this person.',
    }),
  );
  connect(athena, reviewRow, 1);
  connect(reviewRow, reviewAudit);

  // The row comes first, so the alert is visible even when the audit write after it fails.
  const alertRow = add(manualHandlingRow(KEY, 'Manual handling queue', [X, ALERT_Y], 'Contact Hub reconciler'));
  const alertAudit = add(
    auditAppend(KEY, 'Audit: re-drives used up', [2 * X, ALERT_Y], 'manual-handling', {
      submissionId: '={{ $json.submissionId }}',
      reference: '={{ $json.reference }}',
      outcome: 'partial',
      justification: '={{ $json.code + ": " + $json.reason }}',
    }),
  );
  const alertEmail = add(emailContactCentre(KEY, 'Email the contact centre', [3 * X, ALERT_Y], ALERT_EMAIL_SUBJECT, ALERT_EMAIL_TEXT));
  connect(reconciler, alertRow, 1);
  connect(alertRow, alertAudit);
  connect(alertAudit, alertEmail);

  note(
    'Note: reconciler',
    0,
    NOTE_Y,
    3,
    380,
    '## Finish what n8n could not\n' +
      'If n8n stops (a crash, a restart, a killed worker) after iHub got its 201, the submission is safe in the intake ledger but nobody finishes it. ' +
      'Every minute, *Find unfinished submissions* claims submissions with no progress for 15 minutes and sends them down this path again. ' +
      'Every step is idempotent, so a step that was already done is not done twice.\n\n' +
      'A submission at the final step whose audit event is in the audit log is marked **completed** by the next poll.\n\n' +
      'Configure: the same **Contact Hub Store** credential as the intake workflow, and *Final Step of the Path* (Written to CHS if your intake workflow has no Athena step).',
    6,
  );
  note(
    'Note: re-drive',
    3,
    NOTE_Y,
    9,
    380,
    '## The same steps as intake\n' +
      'Reference, CHS incident and Athena occurrence, each with its audit event, exactly as in *iHub Standard API to CHS and Athena*. ' +
      'A submission that stopped before its receipt was audited gets that audit event first. ' +
      'Use the **same reference pattern and force code** as that workflow (otherwise a re-drive allocates a second reference) and the same CHS, Athena and audit key credentials.\n\n' +
      'A step that fails is audited with the error and left alone: the next poll after the lease (10 minutes) tries again, up to *Max Re-Drive Attempts*. ' +
      'A failed audit write stops the execution, and the *Error handler* workflow records it in the manual-handling table at once.',
    5,
  );
  note(
    'Note: alert',
    1,
    ALERT_Y + 200,
    3,
    240,
    '## Alert: re-drives used up\n' +
      'The reconciler has already marked the submission for manual handling in the intake ledger. ' +
      `This path audits it, adds a row to the data table \`${MANUAL_HANDLING_TABLE}\` and emails \`${CONTACT_CENTRE_ADDRESS}\`. ` +
      'See docs/operations.md for what each alert means and what to do.\n\n' +
      'Configure: an SMTP credential and your contact centre address.',
    3,
  );

  return {
    name: 'Contact Hub: Reconciler',
    nodes,
    connections,
    settings: { executionOrder: 'v1', saveManualExecutions: true, callerPolicy: 'workflowsFromSameOwner' },
    pinData: {},
    meta: { templateId: `contact-hub-${RECONCILER_TEMPLATE_FILE}` },
    tags: [],
  };
}

/**
 * Generates the template workflows in `workflows/` from the builders in `nodes.ts`:
 * `npx tsx scripts/demo/templates/build.ts`. The JSON files are what users import into n8n, so
 * they are committed; a test checks that they match what this script generates.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  auditAppend,
  CONTACT_CENTRE_ADDRESS,
  dataTableInsert,
  emailContactCentre,
  equals,
  ifAny,
  ifFailed,
  ifManualHandling,
  MANUAL_HANDLING_TABLE,
  manualHandlingRow,
  node,
  PACKAGE,
  PERSON_REVIEW_TABLE,
  respond201,
  sticky,
  TemplateNode,
  writer,
} from './nodes';
import { RECONCILER_TEMPLATE_FILE, RECONCILER_TEMPLATE_KEY, reconcilerTemplate } from './reconciler';

export interface TemplateWorkflow {
  name: string;
  nodes: TemplateNode[];
  connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
  settings: Record<string, unknown>;
  pinData: Record<string, unknown>;
  meta: Record<string, unknown>;
  tags: unknown[];
}

/** Fixed webhook ids, so the production URLs in the docs stay the same after every import. */
export const WEBHOOK_IDS = {
  apiToChs: '3c5e7a90-1b2d-4f6e-8a0c-2e4f6a8b0c11',
  apiToChsAndAthena: '7d9f1b30-5c4e-4a6f-9b1d-3f5a7c9e1d22',
  operatorReview: 'a1c3e5f7-9b0d-4c2e-8f4a-6b8d0f2a4c33',
} as const;

/** File name (without `.json`) of each template in `workflows/`. */
export const TEMPLATE_FILES = {
  apiToChs: 'ihub-api-to-chs',
  apiToChsAndAthena: 'ihub-api-to-chs-and-athena',
  emailToChs: 'email-fallback-to-chs',
  operatorReview: 'operator-review',
  errorHandler: 'error-handler',
  [RECONCILER_TEMPLATE_KEY]: RECONCILER_TEMPLATE_FILE,
} as const;

export type TemplateKey = keyof typeof TEMPLATE_FILES;

const X = 300;
const MAIN_Y = 460;
const BRANCH_Y = 760;
const MANUAL_Y = 1060;
const REVIEW_Y = 1060;
const NOTE_Y = 40;

class Canvas {
  readonly nodes: TemplateNode[] = [];
  readonly connections: TemplateWorkflow['connections'] = {};

  constructor(readonly key: TemplateKey) {}

  add<T extends TemplateNode>(item: T): T {
    this.nodes.push(item);
    return item;
  }

  connect(from: TemplateNode, to: TemplateNode, output = 0): void {
    const outputs = (this.connections[from.name] ??= { main: [] }).main;
    while (outputs.length <= output) outputs.push([]);
    outputs[output].push({ node: to.name, type: 'main', index: 0 });
  }

  note(name: string, column: number, row: number, columns: number, rows: number, content: string, color = 7): void {
    this.add(sticky(this.key, name, [column * X - 40, row], [columns * X - 20, rows], content, color));
  }

  workflow(name: string, settings: Record<string, unknown> = {}): TemplateWorkflow {
    return {
      name,
      nodes: this.nodes,
      connections: this.connections,
      settings: { executionOrder: 'v1', saveManualExecutions: true, callerPolicy: 'workflowsFromSameOwner', ...settings },
      pinData: {},
      meta: { templateId: `contact-hub-${TEMPLATE_FILES[this.key]}` },
      tags: [],
    };
  }
}

const RECEIPT_BODY =
  "={{ JSON.stringify({ data: { type: 'receipt', id: $json.submission.id, attributes: { submissionId: $json.submission.id, " +
  "reference: $json.reference, receivedAt: $json.receivedAt, status: 'accepted' } } }) }}";

const RECEIPT_WITHOUT_REFERENCE_BODY =
  "={{ JSON.stringify({ data: { type: 'receipt', id: $json.submission.id, attributes: { submissionId: $json.submission.id, " +
  "receivedAt: $json.receivedAt, status: 'accepted', manualHandling: true } } }) }}";

/** Expression for the failure message in the `error` field that a Contact Hub node adds to a failed item. */
const ERROR_TEXT = "($json.error?.message ?? $json.error ?? 'unknown error')";

const MANUAL_EMAIL_SUBJECT = "=Manual handling needed: {{ $json.reference || $json.submissionId }} ({{ $json.code }})";
const MANUAL_EMAIL_TEXT =
  '=A submission from Single Online Home needs a person to handle it.\n\n' +
  'Submission: {{ $json.submissionId }}\nReference: {{ $json.reference || "not allocated" }}\n' +
  'Form type: {{ $json.formType }}\nReason: {{ $json.reason }}\n\n' +
  'The full record is in the n8n data table "' +
  MANUAL_HANDLING_TABLE +
  '" and in n8n execution {{ $json.executionId }}.';

/** Data table → audit → email: where every diverted or failed submission ends. */
function manualHandlingChain(canvas: Canvas, column: number, workflowLabel: string): TemplateNode {
  // The row comes first, so a submission is visible even when the audit write after it fails.
  const row = canvas.add(manualHandlingRow(canvas.key, 'Manual handling queue', [column * X, MANUAL_Y], workflowLabel));
  const audit = canvas.add(
    auditAppend(canvas.key, 'Audit: routed to manual handling', [(column + 1) * X, MANUAL_Y], 'manual-handling', {
      submissionId: '={{ $json.submissionId }}',
      reference: '={{ $json.reference }}',
      outcome: 'partial',
      justification: '={{ $json.code + ": " + $json.reason }}',
    }),
  );
  const email = canvas.add(
    emailContactCentre(canvas.key, 'Email the contact centre', [(column + 2) * X, MANUAL_Y], MANUAL_EMAIL_SUBJECT, MANUAL_EMAIL_TEXT),
  );
  canvas.connect(row, audit);
  canvas.connect(audit, email);
  canvas.note(
    'Note: manual handling',
    column,
    MANUAL_Y + 200,
    3,
    280,
    '## Manual handling\n' +
      'Every submission that cannot go through on its own ends here: a form type that is switched off, a form type ' +
      'we do not know, a reference that could not be allocated, or a system that refused the write.\n\n' +
      `1. **Manual handling queue** adds a row to the n8n data table \`${MANUAL_HANDLING_TABLE}\` (Overview → Data tables).\n` +
      '2. **Audit** records the reason (never personal data).\n' +
      `3. **Email the contact centre** sends the reason to \`${CONTACT_CENTRE_ADDRESS}\`. Configure: an SMTP credential and your contact centre's address.\n\n` +
      'A failed **Audit** node stops the execution, and the *Error handler* workflow records that in the same table.',
    3,
  );
  return row;
}

/** Set node for a failed write: the item already contains the contact and the `error` field. */
function describeFailure(canvas: Canvas, name: string, position: [number, number], code: string, reason: string): TemplateNode {
  return canvas.add(
    node(canvas.key, name, 'n8n-nodes-base.set', 3.4, position, {
      mode: 'raw',
      jsonOutput: `={{ Object.assign({}, $json, { manualHandling: { code: '${code}', reason: ${reason}, at: $now.toUTC().toISO() } }) }}`,
      options: {},
    }),
  );
}

/** iHub Standard API templates: with `athena`, the occurrence is also written to Athena after CHS. */
function apiTemplate(key: 'apiToChs' | 'apiToChsAndAthena', athena: boolean): TemplateWorkflow {
  const canvas = new Canvas(key);
  const label = athena ? 'iHub Standard API to CHS and Athena' : 'iHub Standard API to CHS';

  const trigger = canvas.add(
    node(
      key,
      'iHub Standard API',
      `${PACKAGE}.sohTrigger`,
      1.1,
      [0, MAIN_Y],
      { responseMode: 'afterReference', options: {} },
      { webhookId: WEBHOOK_IDS[key] },
    ),
  );
  const received = canvas.add(auditAppend(key, 'Audit: submission received', [X, MAIN_Y], 'received'));
  const routing = canvas.add(ifManualHandling(key, 'Needs manual handling?', [2 * X, MAIN_Y]));
  const allocate = canvas.add(
    writer(key, 'Allocate force reference', 'referenceAllocator', [3 * X, MAIN_Y], {
      operation: 'allocate',
      pattern: '{FORCE}/{SEQ}/{YY}',
      forceCode: '42',
    }),
  );
  const allocateFailed = canvas.add(ifFailed(key, 'Reference failed?', [4 * X, MAIN_Y]));
  const allocated = canvas.add(
    auditAppend(key, 'Audit: reference allocated', [5 * X, MAIN_Y], 'reference-allocated', { targetRecordId: '={{ $json.reference }}' }),
  );
  const respond = canvas.add(respond201(key, 'Respond 201 with reference', [6 * X, MAIN_Y], RECEIPT_BODY));
  const chs = canvas.add(writer(key, 'Create CHS incident', 'chsWriter', [7 * X, MAIN_Y], { operation: 'createIncident' }));
  const chsFailed = canvas.add(ifFailed(key, 'CHS write failed?', [8 * X, MAIN_Y]));
  const writtenToChs = canvas.add(
    auditAppend(key, 'Audit: written to CHS', [9 * X, MAIN_Y], 'written-to-chs', {
      targetSystem: 'CHS',
      targetRecordId: '={{ $json.chs.incidentId }}',
    }),
  );

  // The trigger responds to manual-handling submissions itself, so only accepted ones reach a Respond node.
  canvas.connect(trigger, received, 0);
  canvas.connect(trigger, received, 1);
  canvas.connect(received, routing);
  canvas.connect(routing, allocate, 1);
  canvas.connect(allocate, allocateFailed);
  canvas.connect(allocateFailed, allocated, 1);
  canvas.connect(allocated, respond);
  canvas.connect(respond, chs);
  canvas.connect(chs, chsFailed);
  canvas.connect(chsFailed, writtenToChs, 1);

  const referenceNotAllocated = describeFailure(
    canvas,
    'Reference not allocated',
    [4 * X, BRANCH_Y],
    'reference-not-allocated',
    `'No force reference could be allocated: ' + ${ERROR_TEXT} + '. Allocate one by hand and tell the person reporting.'`,
  );
  const respondWithoutReference = canvas.add(
    respond201(key, 'Respond 201 without reference', [5 * X, BRANCH_Y], RECEIPT_WITHOUT_REFERENCE_BODY),
  );
  const chsNotWritten = describeFailure(
    canvas,
    'CHS write failed',
    [8 * X, BRANCH_Y],
    'chs-write-failed',
    `'The CHS incident could not be created: ' + ${ERROR_TEXT} + '. Create it by hand from the submission, or re-run the execution when CHS is back.'`,
  );
  canvas.connect(allocateFailed, referenceNotAllocated, 0);
  canvas.connect(referenceNotAllocated, respondWithoutReference);
  canvas.connect(chsFailed, chsNotWritten, 0);

  const manual = manualHandlingChain(canvas, 3, label);
  canvas.connect(routing, manual, 0);
  canvas.connect(respondWithoutReference, manual);
  canvas.connect(chsNotWritten, manual);

  if (athena) {
    const athenaNode = canvas.add(
      writer(key, 'Create Athena occurrence', 'athenaWriter', [10 * X, MAIN_Y], { operation: 'createOccurrence' }),
    );
    const athenaFailed = canvas.add(ifFailed(key, 'Athena write failed?', [11 * X, MAIN_Y]));
    const writtenToAthena = canvas.add(
      auditAppend(key, 'Audit: written to Athena', [12 * X, MAIN_Y], 'written-to-athena', {
        targetSystem: 'Athena',
        targetRecordId: '={{ $json.athena.occurrenceId }}',
      }),
    );
    canvas.connect(writtenToChs, athenaNode);
    canvas.connect(athenaNode, athenaFailed, 0);
    canvas.connect(athenaFailed, writtenToAthena, 1);

    const athenaNotWritten = describeFailure(
      canvas,
      'Athena write failed',
      [11 * X, BRANCH_Y],
      'athena-write-failed',
      `'The Athena occurrence could not be created: ' + ${ERROR_TEXT} + '. The CHS incident exists; create the occurrence by hand or re-run the execution when Athena is back.'`,
    );
    canvas.connect(athenaFailed, athenaNotWritten, 0);
    canvas.connect(athenaNotWritten, manual);

    // NOTE: no end-to-end test reaches this path yet, because it needs a person that scores inside the
    // Athena Writer's review band; the expressions follow the `review` field that node adds.
    const reviewRow = canvas.add(
      dataTableInsert(key, 'Person review queue', [10 * X, REVIEW_Y], PERSON_REVIEW_TABLE, {
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
    const reviewAudit = canvas.add(
      auditAppend(key, 'Audit: person sent for review', [11 * X, REVIEW_Y], 'person-decision', {
        submissionId: '={{ $json.submissionId }}',
        reference: '={{ $json.reference }}',
        targetSystem: 'Athena',
        targetRecordId: '={{ $json.occurrenceId }}',
        outcome: 'partial',
        justification: 'A possible match with an existing nominal needs a person to decide; nothing was created for this person.',
      }),
    );
    const reviewEmail = canvas.add(
      emailContactCentre(
        key,
        'Email the review team',
        [12 * X, REVIEW_Y],
        '=Person review needed: {{ $json.reference || $json.submissionId }}',
        '=A person in a submission may already be a nominal in Athena. Nothing has been created for them yet.\n\n' +
          'Submission: {{ $json.submissionId }}\nReference: {{ $json.reference }}\nOccurrence: {{ $json.occurrenceId }}\n' +
          'Person (SDM id): {{ $json.personId }} ({{ $json.roles }})\nCandidate nominal: {{ $json.candidateNominalId }}\n' +
          `Reason: {{ $json.reason }}\n\nDecide in Athena, then link or create the nominal. The row is in the data table "${PERSON_REVIEW_TABLE}".`,
      ),
    );
    canvas.connect(athenaNode, reviewRow, 1);
    canvas.connect(reviewRow, reviewAudit);
    canvas.connect(reviewAudit, reviewEmail);

    canvas.note(
      'Note: Athena',
      10,
      NOTE_Y,
      4,
      380,
      '## 4. Athena occurrence and people\n' +
        'Creates the occurrence with its locations and objects, then applies the national Minimum POLE Data Standards to each person: ' +
        'a known person needs given name, surname, date of birth or age, gender and one contact detail ("4+1"); an unknown suspect needs 4 of 7 descriptive fields. ' +
        'Below that, the description is attached to the occurrence as text, so a suspect described only as "male" creates no nominal.\n\n' +
        '**Person review** (second output): a possible match with an existing nominal. Nothing is created for that person; the row goes to the data table ' +
        `\`${PERSON_REVIEW_TABLE}\` and an email goes to the review team.\n\n` +
        'Configure: an **Athena API** credential. Forces without a separate contact handling system can delete the CHS step.',
      4,
    );
  }

  canvas.note(
    'Note: intake',
    0,
    NOTE_Y,
    2,
    380,
    '## 1. Intake from iHub\n' +
      `iHub posts each submission to \`/webhook/${WEBHOOK_IDS[key]}/incidents\`. The trigger checks the client id and secret, ` +
      'stores the document in the intake ledger **before** responding, and responds to a re-delivery with the first answer.\n\n' +
      '**Form types**: open the trigger and switch form types on or off under *Form Types*. A type that is off, or unknown, goes to the *Manual Handling* output. That switch is the whole change.\n\n' +
      'Configure: an **SOH API** credential (client id and secret) and a **Contact Hub Store** credential.',
    6,
  );
  canvas.note(
    'Note: reference',
    2,
    NOTE_Y,
    5,
    380,
    '## 2. Routing, force reference and the 201 answer\n' +
      '*Needs manual handling?* sends switched-off and unknown form types to manual handling (the trigger has already answered iHub for them).\n\n' +
      'The allocator gives every other submission its force reference (the same one again on a re-delivery) and **Respond** answers iHub with 201, the submission id and the reference. ' +
      'If no reference can be allocated, iHub still gets 201 (the submission is stored) and the submission goes to manual handling.\n\n' +
      'Configure the reference pattern and force code in *Allocate force reference*. Each **Audit** node writes one event to the tamper-evident audit log: set a **Contact Hub Audit Key** credential on each.',
  );
  canvas.note(
    'Note: CHS',
    7,
    NOTE_Y,
    3,
    380,
    '## 3. The CHS incident\n' +
      '*Create CHS incident* writes the incident with its opening code (from the form type; edit the table in the node). ' +
      'It retries timeouts, 429 and 5xx answers with back-off and never creates a second incident for the same submission. ' +
      'If CHS still refuses, the failed item carries an `error` field and *CHS write failed?* sends it to manual handling with the reason.\n\n' +
      'Configure: a **CHS API** credential.',
    5,
  );
  return canvas.workflow(`Contact Hub: ${label}`);
}

function emailTemplate(): TemplateWorkflow {
  const key = 'emailToChs';
  const canvas = new Canvas(key);
  const label = 'iHub email fallback to CHS';

  const trigger = canvas.add(
    node(key, 'iHub email inbox', 'n8n-nodes-base.emailReadImap', 2.2, [0, MAIN_Y], {
      mailbox: 'INBOX',
      postProcessAction: 'read',
      format: 'resolved',
      dataPropertyAttachmentsPrefixName: 'attachment_',
      options: {},
    }),
  );
  const parser = canvas.add(node(key, 'Read SDM attachments', `${PACKAGE}.sohEmailParser`, 1, [X, MAIN_Y], {}));
  const received = canvas.add(auditAppend(key, 'Audit: submission received', [2 * X, MAIN_Y], 'received'));
  const allocate = canvas.add(
    writer(key, 'Allocate force reference', 'referenceAllocator', [4 * X, MAIN_Y], {
      operation: 'allocate',
      pattern: '{FORCE}/{SEQ}/{YY}',
      forceCode: '42',
    }),
  );
  const allocateFailed = canvas.add(ifFailed(key, 'Reference failed?', [5 * X, MAIN_Y]));
  const allocated = canvas.add(
    auditAppend(key, 'Audit: reference allocated', [6 * X, MAIN_Y], 'reference-allocated', { targetRecordId: '={{ $json.reference }}' }),
  );
  const chs = canvas.add(writer(key, 'Create CHS incident', 'chsWriter', [7 * X, MAIN_Y], { operation: 'createIncident' }));
  const chsFailed = canvas.add(ifFailed(key, 'CHS write failed?', [8 * X, MAIN_Y]));
  const writtenToChs = canvas.add(
    auditAppend(key, 'Audit: written to CHS', [9 * X, MAIN_Y], 'written-to-chs', {
      targetSystem: 'CHS',
      targetRecordId: '={{ $json.chs.incidentId }}',
    }),
  );
  canvas.connect(trigger, parser);
  canvas.connect(parser, received, 0);
  canvas.connect(received, allocate);
  canvas.connect(allocate, allocateFailed);
  canvas.connect(allocateFailed, allocated, 1);
  canvas.connect(allocated, chs);
  canvas.connect(chs, chsFailed);
  canvas.connect(chsFailed, writtenToChs, 1);

  const alreadyReceived = canvas.add(ifAny(key, 'Already received?', [X, BRANCH_Y], [equals('={{ $json.code }}', 'already-received')]));
  const nothingToDo = canvas.add(node(key, 'Already received: nothing to do', 'n8n-nodes-base.noOp', 1, [2 * X, BRANCH_Y], {}));
  const unusable = canvas.add(
    node(key, 'Email could not be used', 'n8n-nodes-base.set', 3.4, [2 * X, BRANCH_Y + 200], {
      mode: 'raw',
      jsonOutput:
        "={{ { submission: { id: $json.submissionId ?? '' }, formType: $json.formType ?? '', source: 'email', email: { messageId: $json.messageId, subject: $json.subject, attachment: $json.attachment }, " +
        'manualHandling: { code: $json.code, reason: $json.reason, at: $json.at } } }}',
      options: {},
    }),
  );
  const referenceNotAllocated = describeFailure(
    canvas,
    'Reference not allocated',
    [5 * X, BRANCH_Y],
    'reference-not-allocated',
    `'No force reference could be allocated: ' + ${ERROR_TEXT} + '. Allocate one by hand.'`,
  );
  const chsNotWritten = describeFailure(
    canvas,
    'CHS write failed',
    [8 * X, BRANCH_Y],
    'chs-write-failed',
    `'The CHS incident could not be created: ' + ${ERROR_TEXT} + '. Create it by hand, or re-run the execution when CHS is back.'`,
  );
  const manual = manualHandlingChain(canvas, 4, label);
  canvas.connect(parser, alreadyReceived, 1);
  canvas.connect(alreadyReceived, nothingToDo, 0);
  canvas.connect(alreadyReceived, unusable, 1);
  canvas.connect(unusable, manual);
  canvas.connect(allocateFailed, referenceNotAllocated, 0);
  canvas.connect(referenceNotAllocated, manual);
  canvas.connect(chsFailed, chsNotWritten, 0);
  canvas.connect(chsNotWritten, manual);

  canvas.note(
    'Note: email intake',
    0,
    NOTE_Y,
    3,
    380,
    '## 1. iHub email fallback\n' +
      'When the Standard API keeps failing, iHub emails the submission with the SDM JSON attached. ' +
      'The **Email Trigger (IMAP)** reads new mail from the inbox and marks it as read; *Read SDM attachments* turns each SDM or raw SOH attachment into one submission and ' +
      'records it in the same intake ledger as the API path, so a submission that arrives both ways is handled once (*Already received?*). ' +
      'An email without a usable attachment, or a form type switched off, goes to manual handling with its message id and the reason.\n\n' +
      'Configure: an **IMAP** credential for the inbox iHub writes to, and a **Contact Hub Store** credential.',
    6,
  );
  canvas.note(
    'Note: same path',
    3,
    NOTE_Y,
    7,
    380,
    '## 2. Form types, then the same path as the API\n' +
      '**Form types**: open *Read SDM attachments* and switch form types on or off under *Form Types*, as on the API trigger. ' +
      'A switched-off or unknown type leaves on *Could Not Use* and goes to manual handling with the reason; keep the switches in step with the API trigger.\n\n' +
      'Then the force reference is allocated, the CHS incident is created and every step is written to the audit log, as in the *iHub Standard API to CHS* template. ' +
      'A failed write carries an `error` field and goes to manual handling with the reason. ' +
      'Nobody waits for an answer by email, so the reference reaches the person reporting through CHS.\n\n' +
      'Configure: the reference pattern and force code, a **CHS API** credential and a **Contact Hub Audit Key** credential on each Audit node.',
    5,
  );
  return canvas.workflow(`Contact Hub: ${label}`);
}

function operatorReviewTemplate(): TemplateWorkflow {
  const key = 'operatorReview';
  const canvas = new Canvas(key);
  const formValue = (field: string) => `$('Operator review form').item.json.${field}`;
  const operator = {
    type: 'person' as const,
    id: `={{ ${formValue('operatorId')} }}`,
    name: `={{ ${formValue('operatorName')} }}`,
    role: 'Contact centre operator',
  };

  const field = (fieldName: string, fieldLabel: string, fieldType: string, extra: Record<string, unknown> = {}) => ({
    fieldName,
    fieldLabel,
    fieldType,
    ...extra,
  });
  const form = canvas.add(
    node(
      key,
      'Operator review form',
      'n8n-nodes-base.formTrigger',
      2.5,
      [0, MAIN_Y],
      {
        formTitle: 'Operator review of an online report',
        formDescription:
          'Record your decision on a submission that is already in CHS. Your decision, rationale and name go to CHS and to the audit log.',
        formFields: {
          values: [
            field('reference', 'Force reference', 'text', { requiredField: true, placeholder: 'e.g. 42/00017/26' }),
            field('incidentId', 'CHS incident ID', 'text', { requiredField: true }),
            field('decision', 'Decision', 'dropdown', {
              requiredField: true,
              fieldOptions: { values: [{ option: 'Crime' }, { option: 'Not a crime' }] },
            }),
            field('rationale', 'Rationale', 'textarea', {
              requiredField: true,
              placeholder: 'Why this is or is not a crime, and what was done',
            }),
            field('openingCode', 'Amended opening code (leave empty to keep)', 'text'),
            field('deploy', 'Deploy', 'dropdown', {
              requiredField: true,
              fieldOptions: { values: [{ option: 'Do not deploy' }, { option: 'Deploy' }] },
            }),
            field('operatorName', 'Your name', 'text', { requiredField: true }),
            field('operatorId', 'Your collar or staff number', 'text', { requiredField: true }),
          ],
        },
        responseMode: 'lastNode',
        options: { formSubmittedText: 'Your decision has been recorded in CHS and in the audit log.' },
      },
      { webhookId: WEBHOOK_IDS.operatorReview },
    ),
  );
  const read = canvas.add(
    // Get Incident only logs the submission id, and the form does not ask for it, so the reference is logged instead.
    writer(key, 'Read CHS incident', 'chsWriter', [X, MAIN_Y], {
      operation: 'getIncident',
      submissionId: '={{ $json.reference }}',
      incidentId: '={{ $json.incidentId.trim() }}',
    }),
  );
  // The reference on the form must be the incident's own, so a mistyped incident ID cannot put a
  // decision on another person's incident or into another reference's audit trail.
  const incidentReference = "(($json.chs?.incident?.externalReferences ?? []).find(ref => ref.system === 'force-reference')?.value ?? '')";
  const readFailed = canvas.add(
    ifAny(key, 'Incident not read?', [2 * X, MAIN_Y], [
      { leftValue: '={{ $json.error }}', rightValue: '', operator: { type: 'object', operation: 'exists', singleValue: true } },
      { leftValue: `={{ ${incidentReference} }}`, rightValue: `={{ ${formValue('reference')}.trim() }}`, operator: { type: 'string', operation: 'notEquals' } },
    ]),
  );
  const submissionIdOfIncident =
    `($('Read CHS incident').item.json.chs.incident.externalReferences.find(ref => ref.system === 'soh-submission')?.value ?? ${formValue('reference')})`;
  const update = canvas.add(
    writer(key, 'Update CHS incident', 'chsWriter', [3 * X, MAIN_Y], {
      operation: 'updateIncident',
      submissionId: `={{ ${submissionIdOfIncident} }}`,
      incidentId: '={{ $json.chs.incidentId }}',
      crimeDecision: `={{ ${formValue('decision')} === 'Crime' ? 'crime' : 'not-crime' }}`,
      crimeRationale: `={{ ${formValue('rationale')} }}`,
      amendedOpeningCode: `={{ ${formValue('openingCode')} ?? '' }}`,
      deployDecision: `={{ ${formValue('deploy')} === 'Deploy' ? 'deploy' : 'no-deploy' }}`,
      deployRationale: `={{ 'Decided at operator review: ' + ${formValue('deploy')} }}`,
      decidedBy: `={{ ${formValue('operatorName')} + ' (' + ${formValue('operatorId')} + ')' }}`,
    }),
  );
  const updateFailed = canvas.add(ifFailed(key, 'Update failed?', [4 * X, MAIN_Y]));
  const audit = canvas.add(
    auditAppend(key, 'Audit: operator decision', [5 * X, MAIN_Y], 'operator-decision', {
      submissionId: `={{ ${submissionIdOfIncident} }}`,
      reference: `={{ ${formValue('reference')} }}`,
      targetSystem: 'CHS',
      targetRecordId: '={{ $json.chs.incidentId }}',
      justification: `={{ ${formValue('decision')} + ': ' + ${formValue('rationale')} }}`,
      actor: operator,
    }),
  );
  const notWritten = canvas.add(
    node(key, 'Decision not written', 'n8n-nodes-base.set', 3.4, [3 * X, BRANCH_Y], {
      mode: 'raw',
      jsonOutput:
        `={{ { submissionId: '', reference: ${formValue('reference')}, manualHandling: { code: 'chs-update-failed', ` +
        `reason: 'The operator decision on incident ' + ${formValue('incidentId')} + ' (' + ${formValue('decision')} + ': ' + ${formValue('rationale')} + ') ` +
        `could not be written to CHS: ' + ($json.error ? ${ERROR_TEXT} : 'the incident belongs to force reference ' + (${incidentReference} || 'none') + ', not the one on the form') + '. ` +
        `Check the incident ID and reference, and record the decision in CHS by hand.', at: $now.toUTC().toISO() } } }}`,
      options: {},
    }),
  );
  const row = canvas.add(manualHandlingRow(key, 'Manual handling queue', [4 * X, BRANCH_Y], 'Operator review'));
  const failedAudit = canvas.add(
    auditAppend(key, 'Audit: decision not written', [5 * X, BRANCH_Y], 'operator-decision', {
      submissionId: '={{ $json.submissionId }}',
      reference: '={{ $json.reference }}',
      targetSystem: 'CHS',
      targetRecordId: `={{ ${formValue('incidentId')} }}`,
      outcome: 'failure',
      justification: '={{ $json.reason }}',
      actor: operator,
    }),
  );
  canvas.connect(form, read);
  canvas.connect(read, readFailed);
  canvas.connect(readFailed, update, 1);
  canvas.connect(readFailed, notWritten, 0);
  canvas.connect(update, updateFailed);
  canvas.connect(updateFailed, audit, 1);
  canvas.connect(updateFailed, notWritten, 0);
  canvas.connect(notWritten, row);
  canvas.connect(row, failedAudit);

  canvas.note(
    'Note: review form',
    0,
    NOTE_Y,
    2,
    380,
    '## Operator review\n' +
      `Operators open the form at \`/form/${WEBHOOK_IDS.operatorReview}\` once the CHS incident exists, decide crime or not a crime with a rationale, ` +
      'and may amend the opening code and the deploy decision.\n\n' +
      'Configure: who may open the form (*Authentication* in the form node; use n8n user login or basic authentication in production).',
    6,
  );
  canvas.note(
    'Note: decision',
    2,
    NOTE_Y,
    4,
    380,
    '## Decision to CHS and the audit log\n' +
      '*Read CHS incident* checks the incident exists and finds its submission; *Update CHS incident* writes the decision, rationale, opening code and deploy decision to it. ' +
      '*Audit: operator decision* records who decided, when and why, as an alteration of the record.\n\n' +
      `If CHS refuses, the decision is kept in the data table \`${MANUAL_HANDLING_TABLE}\` and the failure is audited.\n\n` +
      'Configure: a **CHS API** credential, a **Contact Hub Store** and a **Contact Hub Audit Key** credential.',
    5,
  );
  return canvas.workflow('Contact Hub: Operator review');
}

function errorHandlerTemplate(): TemplateWorkflow {
  const key = 'errorHandler';
  const canvas = new Canvas(key);
  const trigger = canvas.add(node(key, 'When a Contact Hub workflow fails', 'n8n-nodes-base.errorTrigger', 1, [0, MAIN_Y], {}));
  const describe = canvas.add(
    node(key, 'Describe the failure', 'n8n-nodes-base.set', 3.4, [X, MAIN_Y], {
      mode: 'raw',
      jsonOutput:
        "={{ { submission: { id: '' }, reference: '', formType: '', source: '', manualHandling: { code: 'workflow-failed', " +
        "reason: 'Workflow \"' + $json.workflow.name + '\" stopped at node \"' + ($json.execution.lastNodeExecuted ?? 'unknown') + '\": ' + " +
        "($json.execution.error?.message ?? 'unknown error') + '. Open execution ' + $json.execution.id + ' and retry it once the cause is fixed.', " +
        'at: $now.toUTC().toISO() } } }}',
      options: {},
    }),
  );
  const row = canvas.add(manualHandlingRow(key, 'Manual handling queue', [2 * X, MAIN_Y], 'Error handler'));
  const email = canvas.add(
    emailContactCentre(key, 'Email the contact centre', [3 * X, MAIN_Y], MANUAL_EMAIL_SUBJECT, MANUAL_EMAIL_TEXT),
  );
  canvas.connect(trigger, describe);
  canvas.connect(describe, row);
  canvas.connect(row, email);
  canvas.note(
    'Note: error handler',
    0,
    NOTE_Y,
    4,
    380,
    '## When a workflow stops\n' +
      'n8n runs this workflow when another Contact Hub workflow stops with an error that no error output caught. ' +
      `It adds a row to the data table \`${MANUAL_HANDLING_TABLE}\` and emails the contact centre, so a stopped execution is never silent. ` +
      'The submission itself is safe in the intake ledger; re-run the failed execution once the cause is fixed.\n\n' +
      'Configure: **publish this workflow**, because n8n 2.x does not run an error workflow that is not published; in each Contact Hub workflow, *Settings* → *Error workflow* → this workflow; an SMTP credential for the email.',
    6,
  );
  return canvas.workflow('Contact Hub: Error handler');
}

export function buildTemplates(): Record<TemplateKey, TemplateWorkflow> {
  return {
    apiToChs: apiTemplate('apiToChs', false),
    apiToChsAndAthena: apiTemplate('apiToChsAndAthena', true),
    emailToChs: emailTemplate(),
    operatorReview: operatorReviewTemplate(),
    errorHandler: errorHandlerTemplate(),
    [RECONCILER_TEMPLATE_KEY]: reconcilerTemplate(),
  };
}

export function templatePath(key: TemplateKey, root = path.resolve(__dirname, '..', '..', '..')): string {
  return path.join(root, 'workflows', `${TEMPLATE_FILES[key]}.json`);
}

export function serialiseTemplate(workflow: TemplateWorkflow): string {
  return `${JSON.stringify(workflow, null, 2)}\n`;
}

if (require.main === module) {
  for (const [key, workflow] of Object.entries(buildTemplates()) as Array<[TemplateKey, TemplateWorkflow]>) {
    const file = templatePath(key);
    writeFileSync(file, serialiseTemplate(workflow));
    console.log(`Wrote ${path.relative(process.cwd(), file)} (${workflow.nodes.length} nodes)`);
  }
}

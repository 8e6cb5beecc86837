/**
 * The text of the nodes' log lines. n8n 2.41.1's Logger (`@n8n/backend-common`) writes only the
 * message to the console in its default text format (`N8N_LOG_FORMAT=text`) at levels above
 * `debug`. The metadata object appears only in the JSON format, in the log file
 * (`N8N_LOG_OUTPUT=file`) and at level `debug` (unless NODE_ENV=test). So each message also names
 * the ids an operator searches for, and callers still pass them as metadata. Callers call the
 * logger themselves rather than through a wrapper here, because n8n takes each line's `file`
 * metadata from the caller on the stack.
 */

/** Metadata keys written into the message, in this order, with the label each gets. */
const ID_LABELS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['submissionId', 'submission'],
  ['reference', 'reference'],
  ['incidentId', 'CHS incident'],
  ['logEntryId', 'CHS log entry'],
  ['occurrenceId', 'Athena occurrence'],
  ['nominalId', 'Athena nominal'],
  ['descriptionId', 'Athena description'],
  ['eventId', 'audit event'],
  // The sending mail server sets the Message-ID (iHub's, for fallback emails), not the person reporting.
  ['messageId', 'email'],
];

/** Control characters would let an id from a request start a forged log line. */
function printableId(value: string | number): string {
  return String(value).replace(/[\u0000-\u001f\u007f]/g, '?');
}

/**
 * Appends the ids in `metadata` to `message`, e.g. `SOH Trigger accepted a submission (submission
 * SOH-123, reference 42/00001/26)`, so `grep 'submission SOH-123'` finds every line of a submission.
 * Only the keys in `ID_LABELS` are written, so names, contact details and narrative in other
 * metadata never reach the text. Empty and missing ids are left out.
 */
export function withIds(message: string, metadata: Readonly<Record<string, unknown>>): string {
  const ids: string[] = [];
  for (const [key, label] of ID_LABELS) {
    const value = metadata[key];
    if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number') {
      ids.push(`${label} ${printableId(value)}`);
    }
  }
  return ids.length > 0 ? `${message} (${ids.join(', ')})` : message;
}

/** Picking the SDM or raw SOH JSON attachments out of an email item from n8n's Email Trigger (IMAP). */
import type { IBinaryData, IDataObject } from 'n8n-workflow';

const JSON_TYPES = ['application/json', 'application/vnd.api+json', 'text/json'];
const GENERIC_TYPES = ['application/octet-stream', 'text/plain'];

export interface EmailHeaders {
  messageId?: string;
  subject?: string;
  from?: string;
}

function firstText(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') return (value as { text: string }).text;
  }
  return undefined;
}

/** Reads the headers the Email Trigger puts in `json`, in either of its output formats. */
export function readEmailHeaders(json: IDataObject): EmailHeaders {
  const headers = (json.headers ?? {}) as IDataObject;
  const result: EmailHeaders = {};
  const messageId = firstText(json.messageId, json['message-id'], headers['message-id'], headers.messageId);
  const subject = firstText(json.subject, headers.subject);
  const from = firstText(json.from, headers.from);
  if (messageId) result.messageId = messageId;
  if (subject) result.subject = subject;
  if (from) result.from = from;
  return result;
}

/**
 * True for an attachment that may hold the submission JSON: a JSON media type, or a generic type
 * (octet-stream, plain text) on a file whose name ends in `.json`.
 */
export function isJsonAttachment(binary: IBinaryData): boolean {
  const mimeType = (binary.mimeType ?? '').split(';')[0].trim().toLowerCase();
  const fileName = (binary.fileName ?? '').toLowerCase();
  if (JSON_TYPES.includes(mimeType)) return true;
  return fileName.endsWith('.json') && (GENERIC_TYPES.includes(mimeType) || mimeType === '');
}

/** Describes the attachments of an email for a person, e.g. `submission.pdf (application/pdf)`. */
export function describeAttachments(binaries: Record<string, IBinaryData>): string {
  const names = Object.values(binaries).map((binary) => `${binary.fileName ?? 'unnamed'} (${binary.mimeType ?? 'unknown type'})`);
  return names.length > 0 ? names.join(', ') : 'none';
}

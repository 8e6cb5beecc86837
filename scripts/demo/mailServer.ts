/**
 * A local mail server for the demo and the email-path tests. An in-memory IMAP mailbox
 * (hoodiecrow-imap) is what n8n's Email Trigger (IMAP) reads. An SMTP server (smtp-server) keeps
 * every message that n8n's Send Email node delivers, such as manual-handling notices to the contact
 * centre. Both listen on free ports of 127.0.0.1 and write nothing to disk.
 */
import { AddressInfo, Server } from 'node:net';
import { SMTPServer } from 'smtp-server';

// hoodiecrow-imap ships no type definitions.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hoodiecrow = require('hoodiecrow-imap') as (options: Record<string, unknown>) => HoodiecrowServer;

interface HoodiecrowServer {
  server: Server;
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
  appendMessage(mailbox: string, flags: string[], internalDate: Date | undefined, raw: string): unknown;
  getMailbox(path: string): { messages: Array<{ raw: string; flags: string[]; uid: number }> };
}

export interface ReceivedEmail {
  from: string;
  to: string[];
  /** The message as received, headers and body, with quoted-printable soft line breaks removed. */
  raw: string;
  subject: string;
  receivedAt: Date;
}

export interface EmailAttachment {
  fileName: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  attachments?: EmailAttachment[];
  messageId?: string;
}

export interface LocalMailServer {
  host: '127.0.0.1';
  imapPort: number;
  smtpPort: number;
  user: string;
  password: string;
  /** Messages received over SMTP, oldest first. */
  received: ReceivedEmail[];
  /** Put a message into the IMAP INBOX as unread, as if it had just been delivered. */
  deliverToInbox(email: OutgoingEmail): string;
  /** IMAP flags of every message in the INBOX, oldest first (`\Seen` once the trigger has read it). */
  inboxFlags(): string[][];
  /** Wait until `predicate` matches a received SMTP message, or throw after `timeoutMs`. */
  waitForEmail(predicate: (email: ReceivedEmail) => boolean, timeoutMs?: number): Promise<ReceivedEmail>;
  close(): Promise<void>;
}

const MAIL_USER = 'contact-centre@example.com';

/** Start the IMAP and SMTP servers on free ports of 127.0.0.1. */
export async function startLocalMailServer(options: { password?: string } = {}): Promise<LocalMailServer> {
  const password = options.password ?? `test-${Math.random().toString(36).slice(2)}`;

  const imap = hoodiecrow({
    plugins: ['IDLE', 'ID', 'UNSELECT', 'ENABLE', 'SPECIAL-USE', 'NAMESPACE'],
    users: { [MAIL_USER]: { password } },
    storage: { INBOX: { messages: [] }, '': { separator: '/', folders: {} } },
  });
  await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
  const imapPort = (imap.server.address() as AddressInfo).port;

  const received: ReceivedEmail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8').replace(/=\r?\n/g, '');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw,
          subject: decodeSubject(raw),
          receivedAt: new Date(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = ((smtp as unknown as { server: Server }).server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    imapPort,
    smtpPort,
    user: MAIL_USER,
    password,
    received,
    deliverToInbox(email) {
      const messageId = email.messageId ?? `<${Date.now()}.${Math.random().toString(36).slice(2)}@example.com>`;
      imap.appendMessage('INBOX', [], new Date(), buildMimeMessage({ ...email, messageId }));
      return messageId;
    },
    inboxFlags() {
      return imap.getMailbox('INBOX').messages.map((message) => [...message.flags]);
    },
    async waitForEmail(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = received.find(predicate);
        if (match) return match;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(
        `No matching email arrived at the test SMTP server within ${timeoutMs} ms; ` +
          `received subjects: ${JSON.stringify(received.map((email) => email.subject))}`,
      );
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => imap.close(() => resolve()));
    },
  };
}

/** Build a multipart/mixed message with base64 attachments, as iHub's email fallback sends. */
export function buildMimeMessage(email: OutgoingEmail & { messageId: string }): string {
  const boundary = `----contact-hub-${Math.random().toString(36).slice(2)}`;
  const lines = [
    `From: ${email.from}`,
    `To: ${email.to}`,
    `Subject: ${email.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${email.messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    email.text,
  ];
  for (const attachment of email.attachments ?? []) {
    lines.push(
      `--${boundary}`,
      `Content-Type: ${attachment.contentType}; name="${attachment.fileName}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${attachment.fileName}"`,
      '',
      ...(attachment.content.toString('base64').match(/.{1,76}/g) ?? []),
    );
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

/** Decode the Subject header, including RFC 2047 encoded words that nodemailer writes for non-ASCII text. */
function decodeSubject(raw: string): string {
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const headers = (headerEnd === -1 ? raw : raw.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^Subject: (.*)$/im.exec(headers);
  if (!match) return '';
  return match[1].replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_whole, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

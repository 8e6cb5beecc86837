import {
  NodeConnectionTypes,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { receiveSubmission, routeContact, type IntakeOutcome } from '../../core/sdm';
import type { ContactHubStore } from '../../core/store/types';
import { formTypeProperties, readRoutingSettings } from '../shared/formTypes';
import { withIds } from '../shared/logging';
import { getStore, testContactHubStoreCredential } from '../shared/store';
import { describeAttachments, isJsonAttachment, readEmailHeaders, type EmailHeaders } from './attachments';

/** Fields of an item on the "Could Not Use" output. */
interface UnusableEmail extends IDataObject {
  code: string;
  reason: string;
  messageId: string | null;
  subject: string | null;
  attachment: string | null;
}

export class SohEmailParser implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'SOH Email Parser',
    name: 'sohEmailParser',
    icon: { light: 'file:sohEmailParser.svg', dark: 'file:sohEmailParser.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: 'Read SDM attachments',
    description: 'Reads SDM or raw SOH JSON attached to iHub emails and stores each submission before passing it on',
    defaults: { name: 'SOH Email Parser' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Submissions', 'Could Not Use'],
    credentials: [{ name: 'contactHubStoreApi', required: true, testedBy: 'contactHubStoreTest' }],
    properties: [
      {
        displayName:
          'Connect an Email Trigger (IMAP) with "Download Attachments" on. Each JSON attachment becomes one submission. Emails without one, and form types switched off below, go to Could Not Use with the reason and the message ID.',
        name: 'notice',
        type: 'notice',
        default: '',
      },
      ...formTypeProperties('Submissions', 'Could Not Use'),
    ],
  };

  methods = {
    credentialTest: { contactHubStoreTest: testContactHubStoreCredential },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const submissions: INodeExecutionData[] = [];
    const unusable: INodeExecutionData[] = [];
    let store: ContactHubStore | undefined;
    const openStore = async () => (store ??= await getStore(this));

    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      const item = items[itemIndex];
      const headers = readEmailHeaders(item.json ?? {});
      const routing = readRoutingSettings(
        this.getNodeParameter('formTypes', itemIndex, {}) as IDataObject,
        this.getNodeParameter('extraFormTypes', itemIndex, {}) as { formType?: [] },
        this.getNodeParameter('unknownFormTypes', itemIndex, 'manual') as string,
        {},
      );
      const pairedItem = { item: itemIndex };
      const couldNotUse = (code: string, reason: string, attachment: string | null, extra: IDataObject = {}) =>
        unusable.push({ json: unusableEmail(code, reason, headers, attachment, extra), pairedItem });

      const binaries = item.binary ?? {};
      const jsonKeys = Object.keys(binaries).filter((key) => isJsonAttachment(binaries[key]));
      if (jsonKeys.length === 0) {
        couldNotUse(
          'no-json-attachment',
          `Email ${headers.messageId ?? '(no message ID)'} has no SDM or SOH JSON attachment; attachments: ${describeAttachments(binaries)}. Check the email by hand.`,
          null,
        );
        continue;
      }

      for (const key of jsonKeys) {
        const fileName = binaries[key].fileName ?? key;
        let body: Buffer;
        try {
          body = await this.helpers.getBinaryDataBuffer(itemIndex, key);
        } catch (error) {
          couldNotUse('attachment-unreadable', `The attachment ${fileName} could not be read: ${(error as Error).message}. Check the email by hand.`, fileName);
          continue;
        }
        const outcome: IntakeOutcome = await receiveSubmission(openStore, body, { source: 'email', extraFormTypes: routing.extraFormTypes });
        const meta = { messageId: headers.messageId, attachment: fileName };

        switch (outcome.kind) {
          case 'accepted': {
            const submissionId = outcome.contact.submission.id;
            const storedMetadata = { ...meta, submissionId };
            this.logger.info(withIds('SOH Email Parser stored a submission from an email', storedMetadata), storedMetadata);
            const manualHandling = routeContact(outcome.contact, routing);
            if (!manualHandling) {
              submissions.push({ json: { ...outcome.contact, email: { ...headers, attachment: fileName } } as unknown as IDataObject, pairedItem });
              break;
            }
            // As on the API path, the ledger records the decision so the reconciler leaves the submission to a person.
            try {
              await store!.intake.markState(submissionId, 'manual-handling', { manualReason: manualHandling.reason });
            } catch (error) {
              const failedMetadata = { ...meta, submissionId, error: (error as Error).message };
              this.logger.error(withIds('SOH Email Parser could not record manual handling in the intake ledger', failedMetadata), failedMetadata);
            }
            couldNotUse(manualHandling.code, manualHandling.reason, fileName, { submissionId, formType: outcome.contact.formType });
            break;
          }
          case 'duplicate': {
            const duplicateMetadata = { ...meta, submissionId: outcome.entry.submissionId, reference: outcome.entry.reference ?? undefined };
            this.logger.info(withIds('SOH Email Parser skipped a submission already received', duplicateMetadata), duplicateMetadata);
            couldNotUse(
              'already-received',
              `Submission ${outcome.entry.submissionId} in ${fileName} was already received (${outcome.entry.deliveryCount} deliveries); nothing new to do.`,
              fileName,
              { submissionId: outcome.entry.submissionId, ledgerState: outcome.entry.state, reference: outcome.entry.reference },
            );
            break;
          }
          case 'conflict': {
            const conflictMetadata = { ...meta, submissionId: outcome.entry.submissionId };
            this.logger.warn(withIds('SOH Email Parser received a submission id again with a different body', conflictMetadata), conflictMetadata);
            couldNotUse('submission-conflict', outcome.error.detail, fileName, { submissionId: outcome.entry.submissionId });
            break;
          }
          case 'rejected': {
            const rejectedMetadata = { ...meta, code: outcome.errors[0]?.code };
            this.logger.info(withIds('SOH Email Parser could not read an attachment as a submission', rejectedMetadata), rejectedMetadata);
            couldNotUse(
              'invalid-attachment',
              `The attachment ${fileName} is not a usable submission: ${outcome.errors[0]?.detail ?? 'invalid'} Check the email by hand.`,
              fileName,
              { errors: outcome.errors as unknown as IDataObject[] },
            );
            break;
          }
          case 'store-unavailable': {
            const message = outcome.cause instanceof Error ? outcome.cause.message : String(outcome.cause);
            const unavailableMetadata = { ...meta, submissionId: outcome.contact.submission.id, error: message };
            this.logger.error(withIds('SOH Email Parser could not store a submission', unavailableMetadata), unavailableMetadata);
            if (!this.continueOnFail()) {
              throw new NodeOperationError(
                this.getNode(),
                `Attachment ${fileName} of email ${headers.messageId ?? '(no message ID)'} could not be stored because the Contact Hub Store is unavailable`,
                { itemIndex, description: `${message}. Run the execution again once the store is back.` },
              );
            }
            couldNotUse('store-unavailable', `Attachment ${fileName} could not be stored: ${message}. Retry once the Contact Hub Store is back.`, fileName, {
              retryable: true,
            });
          }
        }
      }
    }
    return [submissions, unusable];
  }
}

function unusableEmail(code: string, reason: string, headers: EmailHeaders, attachment: string | null, extra: IDataObject): UnusableEmail {
  return {
    code,
    reason,
    messageId: headers.messageId ?? null,
    subject: headers.subject ?? null,
    from: headers.from ?? null,
    attachment,
    at: new Date().toISOString(),
    ...extra,
  };
}

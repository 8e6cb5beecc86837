/**
 * Calls to the Athena contract from inside the node, each through `requestWithRetry` (retries,
 * back-off, `Idempotency-Key`). One client per item, so errors carry the item index.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import {
  ATHENA_API_PREFIX,
  type CreateNominalRequest,
  type CreateOccurrenceRequest,
  type Description,
  type DescriptionInput,
  type Nominal,
  type NominalLink,
  type NominalLinkInput,
  type NominalSearchRequest,
  type NominalSearchResult,
  type Occurrence,
  type OccurrenceList,
} from '../../core/athena/contract';
import type { RetryPolicy } from '../../core/http/retry';
import { deriveIdempotencyKey, expectField, requestWithRetry, type HttpResult } from '../shared/http';
import { withIds } from '../shared/logging';

export const ATHENA_CREDENTIAL_TYPE = 'athenaApi';

export interface AthenaClientOptions {
  baseUrl: string;
  itemIndex: number;
  policy?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Ids for log lines. Never personal data. */
  logContext: IDataObject;
}

/** Derives the idempotency key for one write: SHA-256 of `athena:<operation>:<submission id>[:<more parts>]`. */
export function athenaIdempotencyKey(operation: string, submissionId: string, ...parts: string[]): string {
  return deriveIdempotencyKey('athena', operation, submissionId, ...parts);
}

export class AthenaClient {
  constructor(
    private readonly context: IExecuteFunctions,
    private readonly options: AthenaClientOptions,
  ) {}

  private async send<T>(
    action: string,
    request: { method: 'GET' | 'POST'; path: string; body?: unknown; qs?: IDataObject },
    idempotencyKey?: string,
    beforeRetry?: () => Promise<HttpResult<T> | undefined>,
    checkBody: (body: unknown) => string | undefined = expectField('id', 'string'),
  ): Promise<HttpResult<T>> {
    return requestWithRetry<T>(this.context, {
      credentialType: ATHENA_CREDENTIAL_TYPE,
      systemName: 'Athena',
      itemIndex: this.options.itemIndex,
      action,
      request: {
        method: request.method,
        baseURL: this.options.baseUrl,
        url: `${ATHENA_API_PREFIX}${request.path}`,
        ...(request.body !== undefined ? { body: request.body as IDataObject } : {}),
        ...(request.qs !== undefined ? { qs: request.qs } : {}),
      },
      idempotencyKey,
      policy: this.options.policy,
      timeoutMs: this.options.timeoutMs,
      logContext: this.options.logContext,
      beforeRetry: beforeRetry ? async () => beforeRetry() : undefined,
      checkBody,
    });
  }

  async findOccurrences(externalReference: string): Promise<Occurrence[]> {
    const result = await this.send<OccurrenceList>(`find occurrences for ${externalReference}`, {
      method: 'GET',
      path: '/occurrences',
      qs: { externalReference },
    }, undefined, undefined, expectField('items', 'array'));
    return result.body.items;
  }

  /**
   * Creates the occurrence. Before each retry it looks the submission up again, because a
   * response lost after Athena stored the occurrence must not lead to a second one.
   */
  async createOccurrence(request: CreateOccurrenceRequest, idempotencyKey: string): Promise<HttpResult<Occurrence>> {
    const submissionId = request.externalKeys.submissionId;
    return this.send<Occurrence>(`create the occurrence for submission ${submissionId}`, { method: 'POST', path: '/occurrences', body: request }, idempotencyKey, async () => {
      let existing: Occurrence[];
      try {
        existing = await this.findOccurrences(submissionId);
      } catch (error) {
        // The create is retried with the same Idempotency-Key anyway, so a failed lookup only costs this shortcut.
        const metadata = { ...this.options.logContext, error: (error as Error).message };
        this.context.logger.warn(withIds('Athena Writer: occurrence lookup before retry failed', metadata), metadata);
        return undefined;
      }
      if (existing.length === 0) return undefined;
      return { statusCode: 200, body: existing[0], headers: {}, attempts: 1, replayed: true };
    });
  }

  async getOccurrence(occurrenceId: string): Promise<Occurrence> {
    return (await this.send<Occurrence>(`get occurrence ${occurrenceId}`, { method: 'GET', path: `/occurrences/${encodeURIComponent(occurrenceId)}` })).body;
  }

  /**
   * Searches nominals. The search is a read sent as POST, so it carries an idempotency key, which
   * marks a resend as safe for the retry helper. The contract lets servers ignore the key.
   */
  async searchNominals(search: NominalSearchRequest, idempotencyKey: string, personId: string): Promise<NominalSearchResult> {
    return (await this.send<NominalSearchResult>(`search nominals for ${personId}`, { method: 'POST', path: '/nominals/search', body: search }, idempotencyKey, undefined, expectField('candidates', 'array'))).body;
  }

  async createNominal(request: CreateNominalRequest, idempotencyKey: string): Promise<HttpResult<Nominal>> {
    return this.send<Nominal>(`create a nominal for ${request.externalKeys.sourceId ?? 'a person'} of submission ${request.externalKeys.submissionId}`, { method: 'POST', path: '/nominals', body: request }, idempotencyKey);
  }

  async linkNominal(occurrenceId: string, link: NominalLinkInput, idempotencyKey: string): Promise<HttpResult<NominalLink>> {
    return this.send<NominalLink>(`link nominal ${link.nominalId} to occurrence ${occurrenceId}`, {
      method: 'POST',
      path: `/occurrences/${encodeURIComponent(occurrenceId)}/nominal-links`,
      body: link,
    }, idempotencyKey);
  }

  async addDescription(occurrenceId: string, description: DescriptionInput, idempotencyKey: string): Promise<HttpResult<Description>> {
    return this.send<Description>(`add a description to occurrence ${occurrenceId}`, {
      method: 'POST',
      path: `/occurrences/${encodeURIComponent(occurrenceId)}/descriptions`,
      body: description,
    }, idempotencyKey);
  }
}

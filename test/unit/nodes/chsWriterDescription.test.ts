import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_RETRY_POLICY } from '../../../core/http/retry';
import { ChsWriter } from '../../../nodes/ChsWriter/ChsWriter.node';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../../nodes/shared/http';

describe('CHS Writer description', () => {
  const description = new ChsWriter().description;
  const options = (description.properties.find((property) => property.name === 'options')?.options ?? []) as INodeProperties[];
  const defaultOf = (name: string) => options.find((option) => option.name === name)?.default;

  it('retry defaults match the policy', () => {
    expect(defaultOf('maxAttempts')).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(defaultOf('initialBackoffMs')).toBe(DEFAULT_RETRY_POLICY.baseDelayMs);
    expect(defaultOf('maxTotalSeconds')).toBe(DEFAULT_RETRY_POLICY.maxTotalMs / 1000);
    expect(defaultOf('timeoutSeconds')).toBe(DEFAULT_REQUEST_TIMEOUT_MS / 1000);
  });

  it('names the node and credentials', () => {
    expect(description.name).toBe('chsWriter');
    expect(description.credentials?.map((credential) => credential.name)).toEqual(['chsApi', 'contactHubStoreApi']);
  });
});

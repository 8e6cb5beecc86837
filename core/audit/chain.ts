/** Hashing for the audit chain: event hashes, keyed digests of data, and the genesis link. */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonicalJson';
import type { UnhashedAuditEvent } from './event';

/** Domain separation prefix, so an event hash can never equal a hash computed for another purpose. */
export const EVENT_HASH_DOMAIN = 'contact-hub/audit-event/v1\0';

/** `previousHash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Computes `SHA-256(EVENT_HASH_DOMAIN || canonical JSON of the event without its hash)` as hex. */
export function hashEvent(event: UnhashedAuditEvent | (UnhashedAuditEvent & { hash?: string })): string {
  const { hash: _ignored, ...body } = event as UnhashedAuditEvent & { hash?: string };
  return createHash('sha256').update(EVENT_HASH_DOMAIN, 'utf8').update(canonicalJson(body), 'utf8').digest('hex');
}

/**
 * Computes the keyed digest `hmac-sha256:<hex>` of a value's canonical JSON.
 *
 * A plain SHA-256 of a phone number, postcode or name can be reversed by hashing every likely
 * value and looking the digest up. Keying the digest with a per-deployment salt that lives in the
 * credential, not in the database, means someone holding only the log cannot run that dictionary
 * attack, while the force can still check whether a value it has matches a digest.
 */
export function digestValue(value: unknown, salt: string): string {
  if (!salt) throw new Error('A digest salt is required to digest audit data; set one on the Contact Hub Audit Key credential.');
  return `hmac-sha256:${createHmac('sha256', salt).update(canonicalJson(value), 'utf8').digest('hex')}`;
}

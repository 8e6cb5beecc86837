/** Signed checkpoints and the signed head record, and the exact bytes their signatures cover. */
import { canonicalJson } from './canonicalJson';
import type { AuditKey, SignatureAlgorithm } from './keys';

export const CHECKPOINT_SIGNATURE_DOMAIN = 'contact-hub/audit-checkpoint/v1\0';
export const HEAD_SIGNATURE_DOMAIN = 'contact-hub/audit-head/v1\0';

/** A signed statement that events 1…upToSequence exist, number eventCount, and end in headHash. */
export interface AuditCheckpoint {
  /** 1, 2, 3 … with no gaps, so a deleted checkpoint shows. */
  checkpointNumber: number;
  upToSequence: number;
  headHash: string;
  eventCount: number;
  signedAt: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
  /** Base64 signature over `CHECKPOINT_SIGNATURE_DOMAIN` and the canonical JSON of the other fields. */
  signature: string;
}

/**
 * The signed head: the last sequence number and hash, and how many checkpoints exist, re-signed
 * on every append and checkpoint. Verify compares the chain with it to catch a truncated tail or
 * a chain rebuilt after the last checkpoint, which the event hashes alone cannot show.
 */
export interface AuditHead {
  sequence: number;
  headHash: string;
  checkpointCount: number;
  signedAt: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
  signature: string;
}

export function checkpointSigningPayload(checkpoint: Omit<AuditCheckpoint, 'signature'> | AuditCheckpoint): string {
  const { signature: _ignored, ...body } = checkpoint as AuditCheckpoint;
  return CHECKPOINT_SIGNATURE_DOMAIN + canonicalJson(body);
}

export function headSigningPayload(head: Omit<AuditHead, 'signature'> | AuditHead): string {
  const { signature: _ignored, ...body } = head as AuditHead;
  return HEAD_SIGNATURE_DOMAIN + canonicalJson(body);
}

export function signCheckpoint(body: Omit<AuditCheckpoint, 'signature' | 'keyId' | 'algorithm'>, key: AuditKey): AuditCheckpoint {
  const unsigned = { ...body, keyId: key.keyId, algorithm: key.algorithm };
  return { ...unsigned, signature: key.sign(checkpointSigningPayload(unsigned)) };
}

export function signHead(body: Omit<AuditHead, 'signature' | 'keyId' | 'algorithm'>, key: AuditKey): AuditHead {
  const unsigned = { ...body, keyId: key.keyId, algorithm: key.algorithm };
  return { ...unsigned, signature: key.sign(headSigningPayload(unsigned)) };
}

/** Returns why the signature cannot be trusted, or undefined when it verifies with a matching key. */
export function checkSignature(
  record: { keyId: string; algorithm: string; signature: string },
  payload: string,
  keys: AuditKey[],
): string | undefined {
  const key = keys.find((candidate) => candidate.keyId === record.keyId);
  if (!key) return `it is signed with key "${record.keyId}", which was not supplied to verify`;
  if (key.algorithm !== record.algorithm) {
    return `it claims algorithm ${record.algorithm}, but key "${record.keyId}" is ${key.algorithm}`;
  }
  if (!key.verify(payload, record.signature)) return `its ${record.algorithm} signature does not verify with key "${record.keyId}"`;
  return undefined;
}

/** Signing keys for checkpoints and the signed head: HMAC-SHA256 secrets or Ed25519 key pairs. */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as signWithKey,
  timingSafeEqual,
  verify as verifyWithKey,
  type KeyObject,
} from 'node:crypto';

export type SignatureAlgorithm = 'hmac-sha256' | 'ed25519';

/** Key material as the credential or an auditor supplies it. */
export type AuditKeyConfig =
  | { keyId: string; algorithm: 'hmac-sha256'; secret: string }
  | { keyId: string; algorithm: 'ed25519'; privateKeyPem: string }
  | { keyId: string; algorithm: 'ed25519'; publicKeyPem: string };

export interface AuditKey {
  keyId: string;
  algorithm: SignatureAlgorithm;
  /** False for an Ed25519 public key, which can verify but not sign. */
  canSign: boolean;
  /** Returns the base64 signature of `payload`. */
  sign(payload: string): string;
  verify(payload: string, signatureBase64: string): boolean;
  /** The Ed25519 public key in PEM, for giving to an auditor; absent for HMAC keys. */
  publicKeyPem?: string;
}

/** Shortest HMAC secret accepted, in characters. 32 random base64 characters carry 192 bits, far beyond brute force. */
export const MIN_HMAC_SECRET_LENGTH = 32;

/** Builds a key from its configuration. Throws an Error that names the invalid setting. */
export function createAuditKey(config: AuditKeyConfig): AuditKey {
  if (!config.keyId?.trim()) throw new Error('The audit key has no key id; set "Key ID" on the credential.');

  if (config.algorithm === 'hmac-sha256') {
    const secret = config.secret ?? '';
    if (secret.length < MIN_HMAC_SECRET_LENGTH) {
      throw new Error(
        `The HMAC secret of audit key "${config.keyId}" has ${secret.length} characters; use at least ${MIN_HMAC_SECRET_LENGTH} random characters.`,
      );
    }
    const signHmac = (payload: string) => createHmac('sha256', secret).update(payload, 'utf8').digest('base64');
    return {
      keyId: config.keyId,
      algorithm: 'hmac-sha256',
      canSign: true,
      sign: signHmac,
      verify: (payload, signature) => equalBase64(signHmac(payload), signature),
    };
  }

  if (config.algorithm === 'ed25519') {
    let privateKey: KeyObject | undefined;
    let publicKey: KeyObject;
    try {
      if ('privateKeyPem' in config) {
        privateKey = createPrivateKey(config.privateKeyPem);
        publicKey = createPublicKey(privateKey);
      } else {
        publicKey = createPublicKey(config.publicKeyPem);
      }
    } catch (error) {
      throw new Error(
        `The Ed25519 key of audit key "${config.keyId}" could not be read as PEM (${(error as Error).message}); paste the whole PEM block including its BEGIN and END lines.`,
      );
    }
    const keyType = (privateKey ?? publicKey).asymmetricKeyType;
    if (keyType !== 'ed25519') {
      throw new Error(`Audit key "${config.keyId}" is a ${keyType} key, but the algorithm is Ed25519; supply an Ed25519 key.`);
    }
    return {
      keyId: config.keyId,
      algorithm: 'ed25519',
      canSign: privateKey !== undefined,
      sign: (payload) => {
        if (!privateKey) throw new Error(`Audit key "${config.keyId}" is a public key and cannot sign; supply the private key.`);
        return signWithKey(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
      },
      verify: (payload, signature) => {
        try {
          return verifyWithKey(null, Buffer.from(payload, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
        } catch {
          return false;
        }
      },
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  throw new Error(`Audit signature algorithm "${(config as { algorithm: string }).algorithm}" is not supported; use hmac-sha256 or ed25519.`);
}

function equalBase64(expected: string, actual: string): boolean {
  const expectedBytes = Buffer.from(expected, 'base64');
  const actualBytes = Buffer.from(actual ?? '', 'base64');
  return expectedBytes.length === actualBytes.length && timingSafeEqual(expectedBytes, actualBytes);
}

/** The settings of the Contact Hub Audit Key credential, as n8n passes them. */
export interface AuditKeyCredentialData {
  algorithm?: unknown;
  keyId?: unknown;
  secret?: unknown;
  privateKeyPem?: unknown;
  digestSalt?: unknown;
}

/** Shortest digest salt accepted, so that a salt cannot itself be guessed by trying common words. */
export const MIN_DIGEST_SALT_LENGTH = 16;

/**
 * Builds the signing key and digest salt from the credential. Throws an Error naming the
 * credential field to fix.
 */
export function auditKeyFromCredential(data: AuditKeyCredentialData): { key: AuditKey; digestSalt: string } {
  const keyId = typeof data.keyId === 'string' ? data.keyId.trim() : '';
  const digestSalt = typeof data.digestSalt === 'string' ? data.digestSalt : '';
  if (digestSalt.length < MIN_DIGEST_SALT_LENGTH) {
    throw new Error(`The digest salt has ${digestSalt.length} characters; use at least ${MIN_DIGEST_SALT_LENGTH} random characters.`);
  }

  if (data.algorithm === 'hmac-sha256') {
    return { key: createAuditKey({ keyId, algorithm: 'hmac-sha256', secret: String(data.secret ?? '') }), digestSalt };
  }
  if (data.algorithm === 'ed25519') {
    return { key: createAuditKey({ keyId, algorithm: 'ed25519', privateKeyPem: String(data.privateKeyPem ?? '') }), digestSalt };
  }
  throw new Error(`Signature algorithm "${String(data.algorithm)}" is not supported; choose HMAC-SHA256 or Ed25519.`);
}

import { generateKeyPairSync } from 'node:crypto';
import { createAuditKey } from '../../../core/audit/keys';
import { checkSignature, checkpointSigningPayload, signCheckpoint } from '../../../core/audit/checkpoint';

const secret = 'a-test-secret-that-is-long-enough-1234';

describe('createAuditKey', () => {
  it('signs and verifies with HMAC-SHA256', () => {
    const key = createAuditKey({ keyId: 'k1', algorithm: 'hmac-sha256', secret });
    const signature = key.sign('payload');
    expect(key.verify('payload', signature)).toBe(true);
    expect(key.verify('payload2', signature)).toBe(false);
    expect(key.verify('payload', 'AAAA')).toBe(false);
  });

  it('rejects a short HMAC secret', () => {
    expect(() => createAuditKey({ keyId: 'k1', algorithm: 'hmac-sha256', secret: 'short' })).toThrow(/has 5 characters; use at least 32/);
  });

  it('signs with an Ed25519 private key and verifies with the public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = createAuditKey({
      keyId: 'ed',
      algorithm: 'ed25519',
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const verifier = createAuditKey({
      keyId: 'ed',
      algorithm: 'ed25519',
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const signature = signer.sign('payload');
    expect(verifier.verify('payload', signature)).toBe(true);
    expect(verifier.verify('other', signature)).toBe(false);
    expect(verifier.canSign).toBe(false);
    expect(() => verifier.sign('payload')).toThrow(/public key and cannot sign/);
    expect(signer.publicKeyPem).toBe(verifier.publicKeyPem);
  });

  it('rejects a PEM that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      createAuditKey({ keyId: 'ec', algorithm: 'ed25519', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
    ).toThrow(/is a ec key, but the algorithm is Ed25519/);
  });

  it('rejects text that is not PEM', () => {
    expect(() => createAuditKey({ keyId: 'bad', algorithm: 'ed25519', privateKeyPem: 'not a key' })).toThrow(/could not be read as PEM/);
  });

  it('requires a key id', () => {
    expect(() => createAuditKey({ keyId: ' ', algorithm: 'hmac-sha256', secret })).toThrow(/no key id/);
  });
});

describe('checkpoint signatures', () => {
  const key = createAuditKey({ keyId: 'k1', algorithm: 'hmac-sha256', secret });
  const checkpoint = signCheckpoint(
    { checkpointNumber: 1, upToSequence: 10, headHash: 'a'.repeat(64), eventCount: 10, signedAt: '2026-01-01T00:00:00.000Z' },
    key,
  );

  it('verifies an untouched checkpoint', () => {
    expect(checkSignature(checkpoint, checkpointSigningPayload(checkpoint), [key])).toBeUndefined();
  });

  it('rejects a changed field', () => {
    const changed = { ...checkpoint, eventCount: 9 };
    expect(checkSignature(changed, checkpointSigningPayload(changed), [key])).toMatch(/does not verify/);
  });

  it('rejects an unknown key id', () => {
    const other = createAuditKey({ keyId: 'k2', algorithm: 'hmac-sha256', secret });
    expect(checkSignature(checkpoint, checkpointSigningPayload(checkpoint), [other])).toMatch(/key "k1", which was not supplied/);
  });
});

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The key that signs audit checkpoints and the signed head, and the salt for keyed digests of
 * personal data. Tested by the Audit Logger node's `auditKeyTest` method, which checks that the
 * key parses and can sign and verify.
 */
export class ContactHubAuditKeyApi implements ICredentialType {
  name = 'contactHubAuditKeyApi';

  // A signing key, not an API: "API" in its name would mislead the analyst choosing it.
  // eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
  displayName = 'Contact Hub Audit Key';

  icon = { light: 'file:contactHubAuditKeyApi.svg', dark: 'file:contactHubAuditKeyApi.dark.svg' } as const;

  documentationUrl = 'https://github.com/n8n-nodes-contact-hub/n8n-nodes-contact-hub/blob/main/docs/audit.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Signature Algorithm',
      name: 'algorithm',
      type: 'options',
      options: [
        {
          name: 'HMAC-SHA256 (Shared Secret)',
          value: 'hmac-sha256',
          description: 'Anyone who verifies the log needs the same secret',
        },
        {
          name: 'Ed25519 (Key Pair)',
          value: 'ed25519',
          description: 'Auditors verify with the public key and cannot sign',
        },
      ],
      default: 'hmac-sha256',
    },
    {
      displayName: 'Key ID',
      name: 'keyId',
      // The key id is printed on every checkpoint for auditors to read; it is a label, not a secret.
      // eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing
      type: 'string',
      default: '',
      required: true,
      placeholder: 'audit-2026-01',
      description: 'Name stored with every checkpoint, so verify knows which key to use after the key is rotated',
    },
    {
      displayName: 'HMAC Secret',
      name: 'secret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'At least 32 random characters, for example the output of "openssl rand -base64 48"',
      displayOptions: { show: { algorithm: ['hmac-sha256'] } },
    },
    {
      displayName: 'Ed25519 Private Key (PEM)',
      name: 'privateKeyPem',
      type: 'string',
      typeOptions: { password: true, rows: 4 },
      default: '',
      required: true,
      placeholder: '-----BEGIN PRIVATE KEY-----',
      description: 'PKCS#8 PEM, for example from "openssl genpkey -algorithm ed25519"',
      displayOptions: { show: { algorithm: ['ed25519'] } },
    },
    // The salt is a secret, because anyone with it can test guesses of personal data against the digests.
    // eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
    {
      displayName: 'Digest Salt',
      name: 'digestSalt',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description:
        'At least 16 random characters that key the digests of personal data, so the digests cannot be reversed by trying likely values. Keep it unchanged for the life of the log.',
    },
  ];
}

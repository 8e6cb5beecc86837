import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Values iHub presents when it calls the force's Standard API (the SOH Trigger): a client id and
 * secret in headers and, optionally, an HMAC-SHA256 signature. The SOH Trigger checks requests
 * against them and no node sends them anywhere.
 */
// NOTE: there is no credential test because this credential only checks inbound requests; there is
// no remote service to call. Send the sample submission to the trigger's test URL to check it.
export class SohApi implements ICredentialType {
  name = 'sohApi';

  displayName = 'SOH API';

  icon = 'file:../nodes/SohTrigger/sohTrigger.svg' as const;

  documentationUrl = 'https://github.com/n8n-nodes-contact-hub/n8n-nodes-contact-hub#soh-trigger';

  properties: INodeProperties[] = [
    {
      displayName: 'Client ID Header',
      name: 'clientIdHeader',
      type: 'string',
      default: 'X-Client-Id',
      required: true,
      description: 'Name of the request header that carries the client ID',
    },
    {
      displayName: 'Client ID',
      name: 'clientId',
      type: 'string',
      default: '',
      required: true,
      description: 'The client ID issued to iHub for this force',
    },
    // The value is a header name, not a secret.
    // eslint-disable-next-line @n8n/community-nodes/credential-password-field
    {
      displayName: 'Client Secret Header',
      name: 'clientSecretHeader',
      // eslint-disable-next-line n8n-nodes-base/node-param-type-options-password-missing, n8n-nodes-base/cred-class-field-type-options-password-missing
      type: 'string',
      default: 'X-Client-Secret',
      required: true,
      description: 'Name of the request header that carries the client secret',
    },
    {
      displayName: 'Client Secret',
      name: 'clientSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
    },
    {
      displayName: 'Require Signature',
      name: 'requireSignature',
      type: 'boolean',
      default: false,
      description: 'Whether every request must carry an HMAC-SHA256 signature over the timestamp and the raw body',
    },
    {
      displayName: 'Signature Header',
      name: 'signatureHeader',
      type: 'string',
      default: 'X-Signature',
      displayOptions: { show: { requireSignature: [true] } },
      description: 'Header with the hex HMAC-SHA256 of "&lt;timestamp&gt;.&lt;body&gt;", optionally prefixed "sha256="',
    },
    {
      displayName: 'Timestamp Header',
      name: 'timestampHeader',
      type: 'string',
      default: 'X-Timestamp',
      displayOptions: { show: { requireSignature: [true] } },
      description: 'Header with the signing time as Unix seconds',
    },
    {
      displayName: 'Signing Secret',
      name: 'signingSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      displayOptions: { show: { requireSignature: [true] } },
    },
    {
      displayName: 'Previous Signing Secret',
      name: 'previousSigningSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      displayOptions: { show: { requireSignature: [true] } },
      description: 'Accepted as well while a new secret is rolled out. Clear it once iHub uses only the new secret.',
    },
    {
      displayName: 'Timestamp Tolerance (Seconds)',
      name: 'toleranceSeconds',
      type: 'number',
      default: 300,
      typeOptions: { minValue: 1 },
      displayOptions: { show: { requireSignature: [true] } },
      description: 'How far the signed timestamp may differ from this server’s clock, in seconds',
    },
  ];
}

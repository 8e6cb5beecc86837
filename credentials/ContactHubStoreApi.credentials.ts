import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Location of the Contact Hub Store: an SQLite file for a single n8n process, or PostgreSQL, which
 * queue mode needs because its processes run on several hosts. Tested by the Reference
 * Allocator's `contactHubStoreApiTest` method, because a database has no HTTP endpoint to call.
 */
export class ContactHubStoreApi implements ICredentialType {
  name = 'contactHubStoreApi';

  // eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api -- the store is a database, not an API
  displayName = 'Contact Hub Store';

  icon = { light: 'file:contactHubStoreApi.svg', dark: 'file:contactHubStoreApi.dark.svg' } as const;

  documentationUrl = 'https://github.com/n8n-nodes-contact-hub/n8n-nodes-contact-hub/blob/main/docs/references.md#choosing-a-store';

  properties: INodeProperties[] = [
    {
      displayName: 'Database Type',
      name: 'storeType',
      type: 'options',
      options: [
        {
          name: 'SQLite File',
          value: 'sqlite',
          description: 'A file on this machine, for a single n8n process; not for queue mode',
        },
        {
          name: 'PostgreSQL',
          value: 'postgres',
          description: 'Required when n8n runs in queue mode with workers',
        },
      ],
      default: 'sqlite',
    },
    {
      displayName: 'SQLite File Path',
      name: 'sqlitePath',
      type: 'string',
      default: '',
      placeholder: '/home/node/.n8n/contact-hub.sqlite',
      description: 'Leave empty to use contact-hub.sqlite in the n8n user folder',
      displayOptions: { show: { storeType: ['sqlite'] } },
    },
    {
      displayName: 'Host',
      name: 'host',
      type: 'string',
      default: 'localhost',
      required: true,
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'Port',
      name: 'port',
      type: 'number',
      default: 5432,
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'Database',
      name: 'database',
      type: 'string',
      default: 'n8n',
      required: true,
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'User',
      name: 'user',
      type: 'string',
      default: '',
      required: true,
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'Password',
      name: 'password',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'Schema',
      name: 'schema',
      type: 'string',
      default: 'contact_hub',
      placeholder: 'contact_hub',
      description:
        'Schema for the Contact Hub tables, created when missing. Lower-case letters, digits and underscores. Leave empty to use the database default (normally public).',
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'Schema Changes',
      name: 'schemaChanges',
      type: 'options',
      options: [
        {
          name: 'Apply When Opening',
          value: 'apply',
          description: 'Create and update the Contact Hub tables; the user needs permission to create tables',
        },
        {
          name: 'Require Up to Date',
          value: 'require-current',
          description: 'Change nothing and refuse to start on an old schema; for a least-privileged user',
        },
      ],
      default: 'apply',
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'SSL Mode',
      name: 'sslMode',
      type: 'options',
      options: [
        { name: 'Disable', value: 'disable', description: 'No encryption; only for a database on the same host' },
        { name: 'Require', value: 'require', description: 'Encrypt, but do not check the server certificate' },
        { name: 'Verify Full', value: 'verify-full', description: 'Encrypt and check the certificate and host name' },
      ],
      default: 'verify-full',
      displayOptions: { show: { storeType: ['postgres'] } },
    },
    {
      displayName: 'CA Certificate (PEM)',
      name: 'sslCa',
      type: 'string',
      typeOptions: { rows: 4 },
      default: '',
      description: 'Certificate authority that signed the server certificate, when it is not publicly trusted',
      displayOptions: { show: { storeType: ['postgres'], sslMode: ['require', 'verify-full'] } },
    },
    {
      displayName: 'Client Certificate (PEM)',
      name: 'sslCert',
      type: 'string',
      typeOptions: { password: true, rows: 4 },
      default: '',
      description: 'Only when the server asks for client certificates',
      displayOptions: { show: { storeType: ['postgres'], sslMode: ['require', 'verify-full'] } },
    },
    // The rule guesses from the field name, but a private key is a secret.
    // eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
    {
      displayName: 'Client Private Key (PEM)',
      name: 'sslKey',
      type: 'string',
      typeOptions: { password: true, rows: 4 },
      default: '',
      displayOptions: { show: { storeType: ['postgres'], sslMode: ['require', 'verify-full'] } },
    },
    {
      displayName: 'Max Connections',
      name: 'maxConnections',
      type: 'number',
      typeOptions: { minValue: 1, maxValue: 100 },
      default: 10,
      description: 'Connections each n8n process may open to PostgreSQL',
      displayOptions: { show: { storeType: ['postgres'] } },
    },
  ];
}

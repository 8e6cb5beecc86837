import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IHttpRequestHelper,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

/**
 * Access to the force's Athena interface (or the Athena simulator) as described in
 * docs/contracts/athena.openapi.yaml: an API key header, or an OAuth2 client-credentials token
 * that n8n fetches before the first request and again when Athena returns 401.
 */
export class AthenaApi implements ICredentialType {
  name = 'athenaApi';

  displayName = 'Athena API';

  icon = 'file:../nodes/AthenaWriter/athenaWriter.svg' as const;

  documentationUrl = 'https://github.com/n8n-nodes-contact-hub/n8n-nodes-contact-hub/blob/main/docs/contracts/athena-mapping.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:5682',
      required: true,
      placeholder: 'https://athena-gateway.force.example',
      description: 'Address of the Athena interface without the /api/v1 path. The Athena simulator listens on http://127.0.0.1:5682 by default.',
    },
    {
      displayName: 'Authentication',
      name: 'authType',
      type: 'options',
      options: [
        { name: 'API Key', value: 'apiKey', description: 'Sent in the X-API-Key header' },
        { name: 'OAuth2 Client Credentials', value: 'oauth2', description: 'Client ID and secret exchanged for a bearer token at /oauth/token' },
      ],
      default: 'apiKey',
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      displayOptions: { show: { authType: ['apiKey'] } },
    },
    {
      displayName: 'Client ID',
      name: 'clientId',
      type: 'string',
      default: '',
      required: true,
      displayOptions: { show: { authType: ['oauth2'] } },
    },
    {
      displayName: 'Client Secret',
      name: 'clientSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      displayOptions: { show: { authType: ['oauth2'] } },
    },
    {
      displayName: 'Token URL',
      name: 'tokenUrl',
      // A token URL is an address, not a secret, whatever its name suggests to the linter.
      // eslint-disable-next-line n8n-nodes-base/node-param-type-options-password-missing
      type: 'string',
      default: '',
      placeholder: 'https://athena-gateway.force.example/oauth/token',
      description: 'Leave empty to use the base URL followed by /oauth/token',
      displayOptions: { show: { authType: ['oauth2'] } },
    },
    {
      displayName: 'Access Token',
      name: 'accessToken',
      type: 'hidden',
      typeOptions: { expirable: true, password: true },
      default: '',
    },
  ];

  /** Fetches a bearer token for OAuth2; with an API key there is nothing to fetch. */
  async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
    if (credentials.authType !== 'oauth2') return {};

    const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
    const tokenUrl = String(credentials.tokenUrl ?? '') !== '' ? String(credentials.tokenUrl) : `${baseUrl}/oauth/token`;
    const response = (await this.helpers.httpRequest({
      method: 'POST',
      url: tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(credentials.clientId),
        client_secret: String(credentials.clientSecret),
      }).toString(),
      json: true,
    })) as { access_token?: string };
    if (!response?.access_token) {
      throw new Error(`Athena token endpoint ${tokenUrl} returned no access_token; check the client ID and secret.`);
    }
    return { accessToken: response.access_token };
  }

  async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
    const headers = { ...(requestOptions.headers ?? {}) };
    if (credentials.authType === 'oauth2') headers.Authorization = `Bearer ${String(credentials.accessToken)}`;
    else headers['X-API-Key'] = String(credentials.apiKey);
    return { ...requestOptions, headers };
  }

  // A search for an external reference that never exists needs valid credentials and changes nothing.
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: '/api/v1/occurrences',
      qs: { externalReference: 'n8n-credential-test' },
      method: 'GET',
    },
  };
}

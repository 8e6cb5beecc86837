import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IDataObject,
  IHttpRequestHelper,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

/**
 * Credential for the force's CHS API (contract in docs/contracts/chs.openapi.yaml): an API key
 * header, or OAuth2 client credentials. For OAuth2 the access token is fetched in
 * `preAuthentication` and kept in the hidden, expirable `accessToken` field. n8n fetches a new one
 * when the field is empty or a request is rejected with 401.
 */
export class ChsApi implements ICredentialType {
  name = 'chsApi';

  displayName = 'CHS API';

  icon = { light: 'file:chsApi.svg', dark: 'file:chsApi.dark.svg' } as const;

  documentationUrl = 'https://github.com/n8n-nodes-contact-hub/n8n-nodes-contact-hub/blob/main/docs/contracts/chs-mapping.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:5681',
      placeholder: 'https://chs.force.example/api-gateway',
      description: 'Address of the CHS API without the /api/v1 path. The default is the local CHS simulator.',
      required: true,
    },
    {
      displayName: 'Authentication',
      name: 'authType',
      type: 'options',
      options: [
        { name: 'API Key', value: 'apiKey', description: 'Send a key in the X-API-Key header' },
        { name: 'OAuth2 Client Credentials', value: 'oAuth2ClientCredentials', description: 'Fetch a bearer token with a client ID and secret' },
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
      displayName: 'Token URL',
      name: 'tokenUrl',
      // eslint-disable-next-line n8n-nodes-base/node-param-type-options-password-missing -- a URL, not a secret
      type: 'string',
      default: '',
      placeholder: 'https://chs.force.example/oauth/token',
      description: 'Leave empty to use the base URL followed by /oauth/token',
      displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
    },
    {
      displayName: 'Client ID',
      name: 'clientId',
      type: 'string',
      default: '',
      required: true,
      displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
    },
    {
      displayName: 'Client Secret',
      name: 'clientSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
    },
    {
      displayName: 'Scope',
      name: 'scope',
      type: 'string',
      default: '',
      placeholder: 'incidents:write',
      description: 'Space-separated scopes to request; leave empty for the server default',
      displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
    },
    {
      displayName: 'Access Token',
      name: 'accessToken',
      type: 'hidden',
      typeOptions: { expirable: true, password: true },
      default: '',
    },
  ];

  /** Fetches an OAuth2 access token with the client credentials grant; does nothing for an API key. */
  async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
    if (credentials.authType !== 'oAuth2ClientCredentials') return {};

    const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
    const tokenUrl = String(credentials.tokenUrl ?? '').trim() || `${baseUrl}/oauth/token`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: String(credentials.clientId ?? ''),
      client_secret: String(credentials.clientSecret ?? ''),
    });
    const scope = String(credentials.scope ?? '').trim();
    if (scope !== '') form.set('scope', scope);

    const response = (await this.helpers.httpRequest({
      method: 'POST',
      url: tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      json: true,
    })) as { access_token?: unknown };

    if (typeof response.access_token !== 'string' || response.access_token === '') {
      throw new Error(`The token endpoint ${tokenUrl} returned no access_token; check the token URL and the client credentials`);
    }
    return { accessToken: response.access_token };
  }

  /** Adds the API key header or the bearer token to each request. */
  async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
    const headers = { ...(requestOptions.headers ?? {}) };
    if (credentials.authType === 'oAuth2ClientCredentials') {
      headers.Authorization = `Bearer ${String(credentials.accessToken ?? '')}`;
    } else {
      headers['X-API-Key'] = String(credentials.apiKey ?? '');
    }
    return { ...requestOptions, headers };
  }

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: '/api/v1/health',
      method: 'GET',
    },
  };
}

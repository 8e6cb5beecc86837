import axios from 'axios';
import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';
import { ChsApi } from '../../../credentials/ChsApi.credentials';
import { createChsSimulator, type ChsSimulator } from '../../../simulators/chs';

/** Minimal stand-in for n8n's request helper: sends the options with axios and returns the body. */
const helper = {
  helpers: {
    httpRequest: async (options: IHttpRequestOptions) =>
      (await axios.request({ method: options.method, url: options.url, headers: options.headers as Record<string, string>, data: options.body })).data,
  },
} as unknown as IHttpRequestHelper;

describe('CHS API credential', () => {
  let chs: ChsSimulator;
  const credential = new ChsApi();

  beforeAll(async () => {
    chs = await createChsSimulator({ port: 0, auth: { apiKey: 'key-1', clientId: 'hub', clientSecret: 'secret-1' } });
  });

  afterAll(async () => {
    await chs.close();
  });

  const health = async (options: IHttpRequestOptions) =>
    axios.get(`${chs.url}/api/v1/health`, { headers: options.headers as Record<string, string>, validateStatus: () => true });

  it('API key is sent in X-API-Key', async () => {
    const options = await credential.authenticate({ authType: 'apiKey', apiKey: 'key-1' }, { url: '/api/v1/health' });
    expect((await health(options)).status).toBe(200);
  });

  it('wrong API key is rejected', async () => {
    const options = await credential.authenticate({ authType: 'apiKey', apiKey: 'wrong' }, { url: '/api/v1/health' });
    expect((await health(options)).status).toBe(401);
  });

  it('API key needs no token', async () => {
    expect(await credential.preAuthentication.call(helper, { authType: 'apiKey', baseUrl: chs.url })).toEqual({});
  });

  it('OAuth2 fetches a token that the API accepts', async () => {
    const data = { authType: 'oAuth2ClientCredentials', baseUrl: `${chs.url}/`, clientId: 'hub', clientSecret: 'secret-1', scope: 'incidents:write' };
    const { accessToken } = await credential.preAuthentication.call(helper, data);
    expect(typeof accessToken).toBe('string');

    const options = await credential.authenticate({ ...data, accessToken: String(accessToken) }, { url: '/api/v1/health' });
    expect((options.headers as Record<string, string>).Authorization).toBe(`Bearer ${accessToken}`);
    expect((await health(options)).status).toBe(200);
  });

  it('OAuth2 with a wrong secret fails', async () => {
    const data = { authType: 'oAuth2ClientCredentials', baseUrl: chs.url, clientId: 'hub', clientSecret: 'wrong' };
    await expect(credential.preAuthentication.call(helper, data)).rejects.toMatchObject({ response: { status: 401 } });
  });

  it('test request targets the health endpoint', () => {
    expect(credential.test.request).toMatchObject({ method: 'GET', url: '/api/v1/health', baseURL: '={{$credentials.baseUrl}}' });
  });
});

import axios from 'axios';
import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';
import { AthenaApi } from '../../../credentials/AthenaApi.credentials';
import { startAthenaSimulator, type AthenaSimulator } from '../../../simulators/athena/server';

/** Sends n8n request options with axios and returns the body, as n8n's request helper does. */
const helper = {
  helpers: {
    httpRequest: async (options: IHttpRequestOptions) =>
      (await axios.request({ method: options.method, url: options.url, headers: options.headers as Record<string, string>, data: options.body })).data,
  },
} as unknown as IHttpRequestHelper;

describe('Athena API credential', () => {
  let athena: AthenaSimulator;
  const credential = new AthenaApi();

  beforeAll(async () => {
    athena = await startAthenaSimulator({ databasePath: ':memory:', port: 0, apiKeys: ['key-1'], oauthClients: { hub: 'secret-1' } });
  });

  afterAll(async () => {
    await athena.close();
  });

  /** Sends the credential's own test request with the given authentication. */
  const sendTestRequest = async (options: IHttpRequestOptions) => {
    const request = credential.test.request;
    return axios.request({
      method: request.method,
      baseURL: athena.url,
      url: request.url,
      params: request.qs,
      headers: options.headers as Record<string, string>,
      validateStatus: () => true,
    });
  };

  test('API key passes the test request', async () => {
    const options = await credential.authenticate({ authType: 'apiKey', apiKey: 'key-1' }, { url: '/' });
    expect((options.headers as Record<string, string>)['X-API-Key']).toBe('key-1');
    const response = await sendTestRequest(options);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ items: [] });
  });

  test('wrong API key fails the test request', async () => {
    const options = await credential.authenticate({ authType: 'apiKey', apiKey: 'wrong' }, { url: '/' });
    expect((await sendTestRequest(options)).status).toBe(401);
  });

  test('API key needs no token', async () => {
    expect(await credential.preAuthentication.call(helper, { authType: 'apiKey', baseUrl: athena.url })).toEqual({});
  });

  test('OAuth2 token passes the test request', async () => {
    const data = { authType: 'oauth2', baseUrl: `${athena.url}/`, clientId: 'hub', clientSecret: 'secret-1', tokenUrl: '' };
    const token = await credential.preAuthentication.call(helper, data);
    expect(typeof token.accessToken).toBe('string');
    const accessToken = String(token.accessToken);

    const options = await credential.authenticate({ ...data, accessToken }, { url: '/' });
    expect((options.headers as Record<string, string>).Authorization).toBe(`Bearer ${accessToken}`);
    expect((await sendTestRequest(options)).status).toBe(200);
  });

  test('OAuth2 with an explicit token URL', async () => {
    const data = { authType: 'oauth2', baseUrl: 'http://127.0.0.1:9', clientId: 'hub', clientSecret: 'secret-1', tokenUrl: `${athena.url}/oauth/token` };
    const { accessToken } = await credential.preAuthentication.call(helper, data);
    expect(typeof accessToken).toBe('string');
  });

  test('OAuth2 with a wrong secret fails', async () => {
    const data = { authType: 'oauth2', baseUrl: athena.url, clientId: 'hub', clientSecret: 'wrong', tokenUrl: '' };
    await expect(credential.preAuthentication.call(helper, data)).rejects.toMatchObject({ response: { status: 401 } });
  });

  test('test request reads the base URL', () => {
    expect(credential.test.request).toMatchObject({ method: 'GET', url: '/api/v1/occurrences', baseURL: '={{$credentials.baseUrl}}' });
  });
});

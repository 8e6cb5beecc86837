/**
 * A minimal `IExecuteFunctions` for running the Athena Writer against the real Athena simulator
 * without n8n: parameters are plain values (no expressions), and HTTP goes through axios with the
 * real AthenaApi credential's `preAuthentication` and `authenticate`.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';
import { AthenaApi } from '../../../credentials/AthenaApi.credentials';
import { AthenaWriter } from '../../../nodes/AthenaWriter/AthenaWriter.node';

export interface LogLine {
  level: string;
  message: string;
  meta?: IDataObject;
}

export interface RunOptions {
  parameters: IDataObject;
  credentials: ICredentialDataDecryptedObject;
  items: INodeExecutionData[];
  continueOnFail?: boolean;
}

export interface RunResult {
  outputs: INodeExecutionData[][];
  logs: LogLine[];
  tokenRequests: number;
}

async function plainRequest(options: IHttpRequestOptions): Promise<unknown> {
  const config: AxiosRequestConfig = {
    method: options.method ?? 'GET',
    baseURL: options.baseURL,
    url: options.url,
    headers: options.headers as Record<string, string>,
    params: options.qs,
    data: options.body,
    timeout: options.timeout,
  };
  const response = await axios.request(config);
  return response.data;
}

export async function runAthenaWriter(options: RunOptions): Promise<RunResult> {
  const credentialType = new AthenaApi();
  const credentials: ICredentialDataDecryptedObject = { accessToken: '', ...options.credentials };
  const logs: LogLine[] = [];
  let tokenRequests = 0;
  const node: INode = { id: 'athena-writer', name: 'Athena Writer', type: 'n8n-nodes-contact-hub.athenaWriter', typeVersion: 1, position: [0, 0], parameters: options.parameters as INode['parameters'] };
  const requestHelper = { helpers: { httpRequest: plainRequest } };

  const refreshToken = async () => {
    tokenRequests += 1;
    const result = await credentialType.preAuthentication.call(requestHelper as never, credentials);
    Object.assign(credentials, result);
  };

  const httpRequestWithAuthentication = async (type: string, request: IHttpRequestOptions): Promise<unknown> => {
    if (type !== 'athenaApi') throw new Error(`Unexpected credential type ${type}`);
    if (credentials.authType === 'oauth2' && credentials.accessToken === '') await refreshToken();

    const send = async (attempt: number): Promise<unknown> => {
      const authenticated = await credentialType.authenticate(credentials, request);
      const ignore = request.ignoreHttpStatusErrors;
      const except = typeof ignore === 'object' && ignore !== null ? (ignore as { except?: number[] }).except ?? [] : [];
      const config: AxiosRequestConfig = {
        method: authenticated.method ?? 'GET',
        baseURL: authenticated.baseURL,
        url: authenticated.url,
        headers: authenticated.headers as Record<string, string>,
        params: authenticated.qs,
        data: authenticated.body,
        timeout: authenticated.timeout,
        validateStatus: ignore ? (status) => !except.includes(status) : (status) => status < 300,
      };
      try {
        const response = await axios.request(config);
        return request.returnFullResponse ? { statusCode: response.status, body: response.data, headers: response.headers } : response.data;
      } catch (error) {
        // n8n fetches a new token once when an expirable credential gets a 401.
        const status = (error as { response?: { status?: number } }).response?.status;
        if (status === 401 && credentials.authType === 'oauth2' && attempt === 1) {
          await refreshToken();
          return send(2);
        }
        throw error;
      }
    };
    return send(1);
  };

  const context = {
    getInputData: () => options.items,
    getNode: () => node,
    getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => (name in options.parameters ? options.parameters[name] : fallback),
    getCredentials: async () => credentials,
    continueOnFail: () => options.continueOnFail ?? false,
    logger: {
      info: (message: string, meta?: IDataObject) => logs.push({ level: 'info', message, meta }),
      warn: (message: string, meta?: IDataObject) => logs.push({ level: 'warn', message, meta }),
      error: (message: string, meta?: IDataObject) => logs.push({ level: 'error', message, meta }),
      debug: (message: string, meta?: IDataObject) => logs.push({ level: 'debug', message, meta }),
    },
    helpers: { httpRequestWithAuthentication, httpRequest: plainRequest },
  } as unknown as IExecuteFunctions;

  const outputs = await new AthenaWriter().execute.call(context);
  return { outputs, logs, tokenRequests };
}

import { Credentials } from 'n8n-core';
import {
  ICredentialsHelper,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type ICredentialType,
  type IDataObject,
  type IHttpRequestHelper,
  type IHttpRequestOptions,
  type INodeCredentialsDetails,
  type INodeProperties,
  type IRequestOptionsSimplified,
} from 'n8n-workflow';

/** Decrypted credential data by credential type name (for example `chsApi`). */
export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

const CREDENTIAL_REFERENCE = /\{\{\s*\$credentials(?:\.([A-Za-z0-9_]+)|\[\s*['"]([^'"]+)['"]\s*\])\s*\}\}/g;

/**
 * Resolves `{{ $credentials.name }}` references in a generic-authentication value.
 * NOTE: n8n resolves these with its full expression engine, but this covers plain field
 * references only, which is what credential `authenticate` blocks normally use.
 */
export function resolveCredentialTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  const template = value.slice(1);
  const whole = /^\{\{\s*\$credentials(?:\.([A-Za-z0-9_]+)|\[\s*['"]([^'"]+)['"]\s*\])\s*\}\}$/.exec(template);
  if (whole) return credentials[whole[1] ?? whole[2]];
  return template.replace(CREDENTIAL_REFERENCE, (_match, dotted: string | undefined, quoted: string | undefined) =>
    String(credentials[(dotted ?? quoted)!] ?? ''),
  );
}

/**
 * Credentials helper for in-process workflow tests: `getCredentials` returns the decrypted
 * data the test supplied for that credential type, and `httpRequestWithAuthentication`
 * applies the credential type's own `authenticate` (a function or a generic block).
 */
export class FakeCredentialsHelper extends ICredentialsHelper {
  constructor(
    private readonly credentialsByType: CredentialsByType,
    private readonly credentialTypes: Record<string, ICredentialType>,
  ) {
    super();
  }

  getParentTypes(name: string): string[] {
    const parents = this.credentialTypes[name]?.extends ?? [];
    return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
  }

  isCredentialUsableByNode(): boolean {
    return true;
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
  ): Promise<IHttpRequestOptions> {
    const options = requestOptions as IHttpRequestOptions;
    const authenticate = this.credentialTypes[typeName]?.authenticate;
    if (!authenticate) return options;
    if (typeof authenticate === 'function') return await authenticate(credentials, options);

    const { properties } = authenticate;
    const resolveAll = (values: Record<string, unknown> | undefined): IDataObject =>
      Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, resolveCredentialTemplate(value, credentials)])) as IDataObject;
    const authenticated: IHttpRequestOptions = { ...options };
    if (properties.headers) authenticated.headers = { ...options.headers, ...resolveAll(properties.headers) };
    if (properties.qs) authenticated.qs = { ...options.qs, ...resolveAll(properties.qs) };
    if (properties.body) authenticated.body = { ...(options.body as object), ...resolveAll(properties.body) };
    if (properties.auth) {
      const auth = resolveAll(properties.auth);
      authenticated.auth = { username: String(auth.username ?? ''), password: String(auth.password ?? '') };
    }
    return authenticated;
  }

  async preAuthentication(_helpers: IHttpRequestHelper, _credentials: ICredentialDataDecryptedObject): Promise<undefined> {
    return undefined;
  }

  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
    return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, '');
  }

  async getDecrypted(_additionalData: unknown, _nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
    const data = this.credentialsByType[type];
    if (!data) {
      throw new Error(`No test credentials of type "${type}". Pass them to runWorkflow as credentials: { ${type}: { ... } }`);
    }
    return { ...data };
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(type: string): INodeProperties[] {
    return this.credentialTypes[type]?.properties ?? [];
  }
}

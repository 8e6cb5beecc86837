/** Reads the SOH Trigger's credential into plain settings. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, type SohAuthSettings } from './auth';

export type ResponseMode = 'immediately' | 'afterReference';

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** Reads the SOH API credential. Throws when a required value is missing, naming it. */
export function readAuthSettings(credential: ICredentialDataDecryptedObject): SohAuthSettings {
  const settings: SohAuthSettings = {
    clientIdHeader: text(credential.clientIdHeader, 'X-Client-Id'),
    clientId: text(credential.clientId),
    clientSecretHeader: text(credential.clientSecretHeader, 'X-Client-Secret'),
    clientSecret: text(credential.clientSecret),
  };
  if (!settings.clientId || !settings.clientSecret) {
    throw new Error('The SOH API credential has no client ID or client secret; fill both in before publishing the workflow.');
  }
  if (credential.requireSignature === true) {
    const currentSecret = text(credential.signingSecret);
    if (!currentSecret) throw new Error('The SOH API credential requires a signature but has no signing secret.');
    const tolerance = Number(credential.toleranceSeconds);
    settings.signature = {
      header: text(credential.signatureHeader, 'X-Signature'),
      timestampHeader: text(credential.timestampHeader, 'X-Timestamp'),
      currentSecret,
      previousSecret: text(credential.previousSigningSecret) || undefined,
      toleranceSeconds: Number.isFinite(tolerance) && tolerance > 0 ? tolerance : DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
    };
  }
  return settings;
}

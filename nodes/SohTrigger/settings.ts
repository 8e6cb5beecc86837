/** Reads the SOH Trigger's parameters and credential into plain settings. */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { FORM_TYPES, type FormType, type RoutingSettings } from '../../core/sdm';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, type SohAuthSettings } from './auth';

export type ResponseMode = 'immediately' | 'afterReference';

interface ExtraFormTypeValue {
  code?: string;
  label?: string;
  enabled?: boolean;
}

/** Builds the routing settings from the Form Types switches, the additional form types and the options. */
export function readRoutingSettings(
  switches: IDataObject,
  extra: { formType?: ExtraFormTypeValue[] },
  unknownFormTypes: string,
  options: IDataObject,
): RoutingSettings {
  const enabled = new Set<string>();
  for (const formType of FORM_TYPES) {
    const value = switches[formType.code];
    if (typeof value === 'boolean' ? value : formType.enabledByDefault) enabled.add(formType.code.toUpperCase());
  }
  const extraFormTypes: FormType[] = [];
  for (const entry of extra.formType ?? []) {
    const code = (entry.code ?? '').trim().toUpperCase();
    if (!code) continue;
    extraFormTypes.push({ code, en: entry.label?.trim() || code, codeKnown: false, enabledByDefault: entry.enabled !== false });
    if (entry.enabled === false) enabled.delete(code);
    else enabled.add(code);
  }
  return {
    enabledFormTypes: enabled,
    unknownFormTypes: unknownFormTypes === 'main' ? 'main' : 'manual',
    driftedSubmissions: options.driftedSubmissions === 'manual' ? 'manual' : 'main',
    extraFormTypes,
  };
}

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

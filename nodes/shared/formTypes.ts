/**
 * The form-type switches an analyst sets on the SOH Trigger and the SOH Email Parser, and how
 * they are read into routing settings, so both intake paths route form types the same way.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { FORM_TYPES, type FormType, type RoutingSettings } from '../../core/sdm';

interface ExtraFormTypeValue {
  code?: string;
  label?: string;
  enabled?: boolean;
}

/** Builds the Form Types, Additional Form Types and Unknown Form Types parameters, naming the node's own outputs. */
export function formTypeProperties(acceptedOutput: string, manualOutput: string): INodeProperties[] {
  // The switches and their defaults come from the form type catalogue, so the linter cannot see them.
  /* eslint-disable n8n-nodes-base/node-param-default-missing, n8n-nodes-base/node-param-default-wrong-for-collection */
  const switches: INodeProperties[] = FORM_TYPES.map((formType) => ({
    displayName: `${formType.en} (${formType.code})`,
    name: formType.code,
    type: 'boolean',
    default: formType.enabledByDefault,
    description: formType.codeKnown
      ? `Whether ${formType.en.toLowerCase()} submissions go to the ${acceptedOutput} output. Off sends them to ${manualOutput}.`
      : `Whether ${formType.en.toLowerCase()} submissions go to the ${acceptedOutput} output. The category code ${formType.code} is a placeholder: check the code iHub sends for this service and add it under Additional Form Types if it differs.`,
  }));
  const defaults = Object.fromEntries(FORM_TYPES.map((formType) => [formType.code, formType.enabledByDefault]));

  return [
    {
      displayName: 'Form Types',
      name: 'formTypes',
      type: 'collection',
      placeholder: 'Add Form Type',
      default: defaults,
      description: `Switched-on form types go to the ${acceptedOutput} output; switched-off ones go to ${manualOutput} with the reason`,
      options: switches,
    },
    /* eslint-enable n8n-nodes-base/node-param-default-missing, n8n-nodes-base/node-param-default-wrong-for-collection */
    {
      displayName: 'Additional Form Types',
      name: 'extraFormTypes',
      type: 'fixedCollection',
      placeholder: 'Add Form Type',
      typeOptions: { multipleValues: true },
      default: {},
      description: 'Form types iHub sends that are not in the list above, or the real code of a form type whose code is a placeholder',
      options: [
        {
          displayName: 'Form Type',
          name: 'formType',
          values: [
            { displayName: 'Category Code', name: 'code', type: 'string', default: '', required: true, placeholder: 'NOISE', description: 'The submission category iHub sends' },
            { displayName: 'Label', name: 'label', type: 'string', default: '', placeholder: 'Noise nuisance', description: 'The name operators see' },
            {
              displayName: `Send to ${acceptedOutput} Output`,
              name: 'enabled',
              type: 'boolean',
              default: true,
              description: `Whether these submissions go to the ${acceptedOutput} output`,
            },
          ],
        },
      ],
    },
    {
      displayName: 'Unknown Form Types',
      name: 'unknownFormTypes',
      type: 'options',
      options: [
        { name: `Send to ${manualOutput}`, value: 'manual' },
        { name: `Send to ${acceptedOutput} Output`, value: 'main' },
      ],
      // The option names are built from the output names, so the linter cannot match the default.
      // eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options
      default: 'manual',
      description: 'Where a submission goes when its form type is in neither list. It is stored either way.',
    },
  ];
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

/** One-line summaries of SDM objects for people reading the contact, e.g. "Bicycle: Raleigh Pioneer, black, frame WTU123". */
import { looksLikeCode, resolveCode } from './codes';

function label(value: unknown): string | undefined {
  if (looksLikeCode(value)) return resolveCode(value).value.en ?? value;
  if (Array.isArray(value)) return value.map(label).filter(Boolean).join(', ') || undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

function join(parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => !!part).join(', ');
}

const TYPE_NAMES: Record<string, string> = {
  vehicle: 'Vehicle',
  bicycle: 'Bicycle',
  property: 'Property',
  evidence: 'Evidence',
  media: 'Media',
  business: 'Business',
  mobile: 'Mobile phone',
  bankCard: 'Bank card',
  weapon: 'Weapon',
  telephone: 'Telephone',
  email: 'Email',
};

/** Builds the summary from the attributes that identify each kind of object; other types list their first text values. */
export function summariseObject(type: string, a: Record<string, unknown>): string {
  const name = TYPE_NAMES[type] ?? type;
  let detail: string;
  switch (type) {
    case 'vehicle':
      detail = join([
        [label(a.vehicleMakeDetails) ?? label(a.vehicleMake), label(a.vehicleModel)].filter(Boolean).join(' ') || undefined,
        label(a.vehicleColour),
        label(a.vehicleVRM) && `registration ${label(a.vehicleVRM)}`,
      ]);
      break;
    case 'bicycle':
      detail = join([
        [label(a.propertyMakeDetails), label(a.propertyModelDetails)].filter(Boolean).join(' ') || undefined,
        label(a.bicycleColour),
        label(a.bicycleFrameNumber) && `frame ${label(a.bicycleFrameNumber)}`,
      ]);
      break;
    case 'property':
      detail = join([
        label(a.propertyDescription),
        label(a.propertyQuantity) && `quantity ${label(a.propertyQuantity)}`,
        label(a.propertyApproxValue) && `value £${label(a.propertyApproxValue)}`,
      ]);
      break;
    case 'media':
      detail = join([label(a.mediaType), label(a.mediaUploadDescription)]);
      break;
    case 'telephone':
      detail = label(a.telephoneNumberFull) ?? label(a.telephoneNumber) ?? '';
      break;
    case 'email':
      detail = label(a.emailAddress) ?? '';
      break;
    default:
      detail = join(
        Object.values(a)
          .filter((value) => typeof value === 'string' && !looksLikeCode(value))
          .slice(0, 2)
          .map(label),
      );
  }
  const summary = detail ? `${name}: ${detail}` : name;
  return summary.length > 200 ? summary.slice(0, 197) + '...' : summary;
}

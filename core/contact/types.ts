/**
 * The canonical contact item: one submission from Single Online Home, whichever way it arrived
 * (iHub Standard API, iHub email, or raw SOH form JSON), normalised into one shape that every
 * downstream node reads. Nodes add their own results beside these fields (`reference`, `chs`,
 * `athena`, `audit`, `manualHandling`) and never rewrite them.
 */

export const CONTACT_ITEM_VERSION = 1;

/** Where the submission came from. */
export type ContactSource = 'standard-api' | 'email' | 'raw-soh';

/** A coded SDM value such as `GNDR_0001`, kept with its labels. `known` is false for a code not in our tables. */
export interface CodedValue {
  code: string;
  en?: string;
  cy?: string;
  known: boolean;
}

/** Flags raised on a time that cannot be taken at face value. */
export type TimeFlag =
  | 'no-offset' // local time given without an offset: read as Europe/London
  | 'nonexistent-local-time' // falls in the spring-forward gap in Europe/London
  | 'ambiguous-local-time' // falls in the autumn fall-back hour in Europe/London
  | 'offset-mismatch' // the offset given is not London's offset at that instant
  | 'in-future'
  | 'unparseable';

/** A point in time as received, with its UTC instant and its Europe/London reading. */
export interface ContactTime {
  /** Exactly as received, e.g. `2023-06-12T15:09:33.880+01:00`. */
  original: string;
  /** ISO 8601 in UTC, absent when the value could not be parsed. */
  utc?: string;
  /** The offset given in the value (`+01:00`), absent when none was given. */
  offset?: string;
  /** Wall-clock time in Europe/London, `YYYY-MM-DDTHH:mm:ss`. */
  londonLocal?: string;
  flags: TimeFlag[];
}

export interface ContactAddress {
  uprn?: string;
  buildingName?: string;
  buildingNumber?: string;
  flat?: string;
  street?: string;
  locality?: string;
  town?: string;
  county?: string;
  postcode?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
  easting?: number;
  northing?: number;
  /** Free text given instead of, or beside, a structured address. */
  description?: string;
}

export type LocationKind = 'incident' | 'home' | 'stolenFrom' | 'business' | 'other';

export interface ContactLocation {
  id?: string;
  kind: LocationKind;
  address: ContactAddress;
}

/** SDM incident-to-person link reasons. One person may hold several. */
export type PersonRole = 'victim' | 'witness' | 'personReporting' | 'knownSuspect' | 'unknownSuspect';

/** Physical description, as used by the unknown-suspect threshold of the Minimum POLE Data Standards. */
export interface PersonDescription {
  build?: string;
  complexion?: string;
  distinguishingFeatures?: string;
  leftEyeColour?: string;
  rightEyeColour?: string;
  ethnicity?: string;
  height?: string;
  hairColour?: string;
  clothing?: string;
  /** Anything else the person reporting wrote about them. */
  freeText?: string;
}

export interface ContactPerson {
  /** SDM id, e.g. `person.witness.713148239`, or a generated id for raw SOH forms. */
  id: string;
  /** `business` when the SDM links a business (not a person) in this role; absent means a person. */
  kind?: 'person' | 'business';
  roles: PersonRole[];
  title?: string;
  givenName?: string;
  middleNames?: string;
  familyName?: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth?: string;
  age?: number;
  gender?: CodedValue;
  emails: string[];
  /** As given; the person rules normalise to E.164 when matching. */
  phones: string[];
  homeAddress?: ContactAddress;
  description: PersonDescription;
  /** Police identifiers when present, e.g. `{ pnc: '…' }`. */
  policeIdentifiers: Record<string, string>;
  /** Business name when the victim is a business. */
  organisationName?: string;
  /** The SDM attributes exactly as received. */
  attributes: Record<string, unknown>;
}

export interface ContactObject {
  id: string;
  /** SDM object type: vehicle, bicycle, property, bankCard, mobile, weapon, … */
  type: string;
  /** One line a person can read, e.g. "Bicycle: Raleigh, red, frame 12345". */
  summary: string;
  attributes: Record<string, unknown>;
}

export interface ContactAttachment {
  id: string;
  url: string;
  fileName?: string;
  contentType?: string;
  sizeBytes?: number;
  description?: string;
}

export type DriftKind =
  | 'unknown-attribute'
  | 'unknown-code'
  | 'unknown-entity-type'
  | 'unknown-relationship'
  | 'missing-field'
  | 'renamed-field'
  | 'unknown-form-type'
  | 'unexpected-type' // a known field contains a value of another type, kept as received
  | 'suspicious-character'; // bidirectional override or control characters, kept as received

/** One way the document differs from the model we know. Never fatal on its own. */
export interface DriftFinding {
  kind: DriftKind;
  /** JSON pointer into the original document, e.g. `/included/2/attributes/shoeSize`. */
  pointer: string;
  detail: string;
  value?: unknown;
}

export interface ContactSubmission {
  id: string;
  externalReferenceId?: string;
  /** The receipt code the public were given, e.g. `TYA-1-23-0100-000`. */
  customerReferenceNumber?: string;
  forceIdentifier?: number;
  category?: string;
  categorySubcode?: string;
  submitTime?: ContactTime;
  highHarmFlag?: boolean;
  howInvolvedInCrime?: CodedValue;
}

export interface ContactIncident {
  id?: string;
  description?: string;
  startTime?: ContactTime;
  endTime?: ContactTime;
  exactTimeKnown?: boolean;
  approximateTimeText?: string;
  stillHappening?: boolean;
  onPublicTransport?: boolean;
  reportedAlready?: boolean;
  previousReference?: string;
  hateCrime?: boolean;
  physicallyAssaulted?: boolean;
  hadWeapon?: boolean;
  modusOperandi?: string;
  nsirOpeningCode?: string;
  nsirClosingCode?: string;
  location?: ContactAddress;
  attributes: Record<string, unknown>;
}

export interface CanonicalContact {
  contactItemVersion: typeof CONTACT_ITEM_VERSION;
  source: ContactSource;
  /** The channel that delivered the document, when known. `source` is the kind of document. */
  receivedVia?: 'standard-api' | 'email';
  /** SOH service code, e.g. `OCR`, `RTI`, `ASB`; taken from the submission category. */
  formType: string;
  formTypeLabel?: string;
  /** Welsh label of the form type, when known. */
  formTypeLabelWelsh?: string;
  submission: ContactSubmission;
  incident: ContactIncident;
  people: ContactPerson[];
  objects: ContactObject[];
  locations: ContactLocation[];
  attachments: ContactAttachment[];
  drift: { needsReview: boolean; findings: DriftFinding[] };
  /** When this package received the document (UTC ISO 8601). */
  receivedAt: string;
  /** SHA-256 of the body as received, hex. Used for idempotency and in the audit log. */
  bodySha256: string;
  /** The document exactly as parsed from the body, kept so nothing is lost. */
  original: unknown;
}

/** Added by the SOH Trigger or a writer when a submission must go to a person instead. */
export interface ManualHandling {
  /** Stable code, e.g. `form-type-disabled`, `chs-write-failed`. */
  code: string;
  /** Sentence a contact centre operator can act on. */
  reason: string;
  at: string;
}

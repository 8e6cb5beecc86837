/** SDM and raw SOH intake: parsing, normalising and drift reporting. No n8n imports. */
export { parseSubmission, bodySha256, type ParseOptions, type ParseResult } from './parseSubmission';
export {
  jsonApiError,
  jsonApiErrorDocument,
  jsonApiSystemError,
  isBusinessError,
  toJsonPointer,
  type JsonApiError,
  type JsonApiErrorDocument,
} from './errors';
export { FORM_TYPES, findFormType, type FormType } from './formTypes';
export { resolveCode, looksLikeCode, type CodeStatus, type ResolvedCode } from './codes';
export { DEFAULT_JSON_LIMITS, readJsonBody, decodeBuffer, type JsonLimits } from './safeJson';
export { parseContactTime, toLondonLocal } from './time';
export { sdmDocumentSchema, type SdmDocument } from './sdmSchema';
export { rawSohDocumentSchema, type RawSohDocument } from './rawSoh';
export { receiveSubmission, routeContact, acceptanceReceipt, REPLAYED_RESPONSE_HEADER, type IntakeOutcome, type RoutingSettings } from './intake';
export { MAX_SUBMISSION_ID_LENGTH, submissionIdProblem } from './fields';

import { acceptanceReceipt, jsonApiError, jsonApiErrorDocument, parseSubmission } from '../../../core/sdm';
import { describeResponse } from '../../../scripts/demo/describeResponse';
import { fixtureJson } from '../sdm/fixtures';

const SUBMISSION_ID = '3c1d6f0e-8b7a-4c39-9e52-0a4f6d2b7c11';
const RECEIVED_AT = '2026-12-04T10:00:01.000Z';

describe('describeResponse', () => {
  test('receipt with reference', () => {
    const receipt = acceptanceReceipt(SUBMISSION_ID, RECEIVED_AT, '42/00001/26');
    expect(describeResponse({ status: 201, body: receipt.body })).toBe(`Accepted with force reference 42/00001/26 (submission ${SUBMISSION_ID}).`);
  });

  test('receipt without reference', () => {
    const receipt = acceptanceReceipt(SUBMISSION_ID, RECEIVED_AT);
    expect(describeResponse({ status: 201, body: receipt.body })).toBe(
      `Accepted as submission ${SUBMISSION_ID}, without a force reference yet. ` +
        'A trigger set to respond on receipt answers before the reference exists; the execution in n8n shows the reference or the reason for manual handling.',
    );
  });

  test('receipt marked for manual handling', () => {
    const receipt = acceptanceReceipt(SUBMISSION_ID, RECEIVED_AT, null, { manualHandling: true });
    expect(receipt.body).toMatchObject({ data: { attributes: { manualHandling: true, status: 'accepted' } } });
    expect(describeResponse({ status: 201, body: receipt.body })).toBe(
      `Accepted as submission ${SUBMISSION_ID} for manual handling, without a force reference. ` +
        'A person handles it from the contact_hub_manual_handling data table, which gives the reason.',
    );
  });

  test('re-delivery says so first', () => {
    const receipt = acceptanceReceipt(SUBMISSION_ID, RECEIVED_AT, '42/00001/26');
    expect(describeResponse({ status: 201, body: receipt.body, replayed: true })).toBe(
      'Already received: this is a re-delivery, so nothing new was created and the response repeats the first one. ' +
        `Accepted with force reference 42/00001/26 (submission ${SUBMISSION_ID}).`,
    );
  });

  test('2xx that is not a receipt', () => {
    expect(describeResponse({ status: 200, body: { message: 'Workflow was started' } })).toBe(
      'Accepted with HTTP 200, but the response is not a receipt, so it gives no force reference.',
    );
  });

  test('422 names title, field and detail', () => {
    const body = jsonApiErrorDocument(
      jsonApiError(422, 'invalid-document', 'Invalid document', 'submitTime is not a date', { pointer: '/included/0/attributes/submitTime' }),
    );
    expect(describeResponse({ status: 422, body })).toBe('Rejected (HTTP 422): Invalid document (field /included/0/attributes/submitTime). submitTime is not a date.');
  });

  test('409 conflict with more errors', () => {
    const conflict = jsonApiError(409, 'submission-conflict', 'Submission already received with different content', `Submission ${SUBMISSION_ID} was received before with a different body.`, {
      pointer: '/included/0/attributes/submissionId',
    });
    const other = jsonApiError(409, 'other', 'Other', 'Other detail.');
    expect(describeResponse({ status: 409, body: jsonApiErrorDocument(conflict, other, other) })).toBe(
      'Rejected (HTTP 409): Submission already received with different content (field /included/0/attributes/submissionId). ' +
        `Submission ${SUBMISSION_ID} was received before with a different body. The response lists 2 more errors.`,
    );
  });

  test('401 names the header', () => {
    const body = jsonApiErrorDocument(jsonApiError(401, 'client-secret-invalid', 'Unauthorised', 'The client secret is wrong.', { header: 'x-client-secret' }));
    expect(describeResponse({ status: 401, body })).toBe('Rejected (HTTP 401): Unauthorised (header x-client-secret). The client secret is wrong.');
  });

  test('error from parseSubmission', () => {
    const document = fixtureJson('sdm/ocr-hate-crime-witness-welsh-names.json');
    document.included.find((resource: { type: string }) => resource.type === 'submission').attributes.submissionId = 42;
    const parsed = parseSubmission(JSON.stringify(document), { source: 'standard-api' });
    if (parsed.ok) throw new Error('A numeric submission id was accepted');

    const line = describeResponse({ status: parsed.status, body: jsonApiErrorDocument(...parsed.errors) });
    expect(line).toBe(`Rejected (HTTP 422): Invalid submission id (field /included/0/attributes/submissionId). ${parsed.errors[0].detail}`);
  });

  test('503 is not accepted yet', () => {
    const body = jsonApiErrorDocument(
      jsonApiError(503, 'store-unavailable', 'Service unavailable', `Submission ${SUBMISSION_ID} could not be stored because the Contact Hub Store is unavailable. Retry later.`),
    );
    expect(describeResponse({ status: 503, body })).toBe(
      `Not accepted yet (HTTP 503): Service unavailable. Submission ${SUBMISSION_ID} could not be stored because the Contact Hub Store is unavailable. Retry later. ` +
        'iHub would send it again later.',
    );
  });

  test('n8n message body', () => {
    const body = { code: 404, message: 'The requested webhook "POST abc/incidents" is not registered.', hint: 'Publish the workflow.' };
    expect(describeResponse({ status: 404, body })).toBe('Rejected (HTTP 404): The requested webhook "POST abc/incidents" is not registered.');
  });

  test('text body', () => {
    expect(describeResponse({ status: 502, body: '<html>Bad gateway</html>' })).toBe('Not accepted yet (HTTP 502): The response is not JSON. iHub would send it again later.');
  });

  test('empty error body', () => {
    expect(describeResponse({ status: 400, body: '' })).toBe('Rejected (HTTP 400): The response gives no reason.');
  });

  test('error without title or detail', () => {
    expect(describeResponse({ status: 400, body: { errors: [{}] } })).toBe('Rejected (HTTP 400): The response gives no reason.');
  });

  test('unexpected status', () => {
    expect(describeResponse({ status: 302, body: '' })).toBe('Not accepted: HTTP 302 is not a status the SOH Trigger sends.');
  });

  test('error with only a field', () => {
    expect(describeResponse({ status: 422, body: { errors: [{ source: { pointer: '/data' } }] } })).toBe('Rejected (HTTP 422): Error (field /data).');
  });
});

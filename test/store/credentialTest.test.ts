import { testContactHubStoreCredential } from '../../nodes/shared/store';
import { POSTGRES_CONNECTION } from './storeTargets';

describe('testContactHubStoreCredential on PostgreSQL', () => {
  it('passes for the local server', async () => {
    const result = await testContactHubStoreCredential({
      id: '1',
      name: 'store',
      type: 'contactHubStoreApi',
      data: { storeType: 'postgres', ...POSTGRES_CONNECTION, sslMode: 'disable' },
    });
    expect(result).toEqual({ status: 'OK', message: `Connected to PostgreSQL ${POSTGRES_CONNECTION.host}:${POSTGRES_CONNECTION.port}/${POSTGRES_CONNECTION.database}` });
  });

  it('fails for an unknown database', async () => {
    const result = await testContactHubStoreCredential({
      id: '1',
      name: 'store',
      type: 'contactHubStoreApi',
      data: { storeType: 'postgres', ...POSTGRES_CONNECTION, database: 'contact_hub_missing_database', sslMode: 'disable' },
    });
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(/contact_hub_missing_database/);
  });
});

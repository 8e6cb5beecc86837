import { auditMigration } from '../../audit/migrations';
import { referencesMigration } from './001-references';
import { intakeLedgerMigration } from './002-intake-ledger';
import { allocateReferencesFunctionMigration, allocateReferencesLookupMigration } from './005-allocate-references-function';
import type { Migration } from './types';

export type { Migration } from './types';

/**
 * Every migration, in version order. Version numbers are fixed once released:
 * 1 references, 2 intake ledger, 3 audit log (defined in core/audit/migrations.ts),
 * 4 reserved for reconciler claims should they need their own table, 5 reference allocation function,
 * 6 its look-up of existing references by key.
 */
export const migrations: Migration[] = [
  referencesMigration,
  intakeLedgerMigration,
  auditMigration,
  allocateReferencesFunctionMigration,
  allocateReferencesLookupMigration,
];

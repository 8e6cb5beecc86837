/**
 * SQLite persistence of the Athena simulator: occurrences with their external references,
 * nominals with a key index for searches, nominal links and description texts.
 */
import type { DatabaseSync } from 'node:sqlite';
import type {
  CreateNominalRequest,
  CreateOccurrenceRequest,
  Description,
  DescriptionInput,
  ExternalKeys,
  Nominal,
  NominalLink,
  NominalLinkInput,
  NominalSearchRequest,
  NominalSearchResult,
  Occurrence,
  SearchKey,
} from '../../core/athena/contract';
import { normaliseName } from '../../core/pole/match';

type StoredOccurrence = Omit<Occurrence, 'nominalLinks' | 'descriptions'>;

export interface AthenaCounts {
  occurrences: number;
  nominals: number;
  links: number;
  descriptions: number;
}

/** Index key for a name search: normalised given and family name. */
export function nameKey(givenName: string | undefined, familyName: string | undefined): string | undefined {
  const given = normaliseName(givenName?.trim().split(/\s+/)[0]);
  const family = normaliseName(familyName);
  return given && family ? `${given}|${family}` : undefined;
}

function identifierKey(type: string, value: string): string {
  return `${type.toLowerCase()}:${String(value).toUpperCase().replace(/[\s/]+/g, '')}`;
}

export class AthenaStore {
  constructor(private readonly db: DatabaseSync) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS occurrences (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS occurrence_references (
        occurrence_id TEXT NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        value TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS occurrence_references_value ON occurrence_references (value);
      CREATE TABLE IF NOT EXISTS nominals (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS nominal_keys (
        nominal_id TEXT NOT NULL REFERENCES nominals(id) ON DELETE CASCADE,
        key_type TEXT NOT NULL,
        value TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS nominal_keys_lookup ON nominal_keys (key_type, value);
      CREATE TABLE IF NOT EXISTS nominal_links (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        occurrence_id TEXT NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        nominal_id TEXT NOT NULL REFERENCES nominals(id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        UNIQUE (occurrence_id, nominal_id)
      );
      CREATE TABLE IF NOT EXISTS descriptions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        occurrence_id TEXT NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        data TEXT NOT NULL
      );
    `);
  }

  /** Runs `work` in one transaction, so a failure leaves nothing half-written. */
  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Inserts a row with a placeholder id, then sets the id from its sequence number, e.g. `OCC-000001`. */
  private insertWithSequenceId(table: string, prefix: string, extraColumns: Record<string, string> = {}): { id: string; seq: number } {
    const columns = ['id', 'data', ...Object.keys(extraColumns)];
    const placeholders = columns.map(() => '?').join(', ');
    const { lastInsertRowid } = this.db
      .prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`)
      .run(`pending-${Date.now()}-${Math.random()}`, '{}', ...Object.values(extraColumns));
    const seq = Number(lastInsertRowid);
    const id = `${prefix}-${String(seq).padStart(6, '0')}`;
    this.db.prepare(`UPDATE ${table} SET id = ? WHERE seq = ?`).run(id, seq);
    return { id, seq };
  }

  createOccurrence(request: CreateOccurrenceRequest, now: string): Occurrence {
    return this.transaction(() => {
      const { id, seq } = this.insertWithSequenceId('occurrences', 'OCC');
      const { nominalLinks, ...fields } = request;
      const occurrence: StoredOccurrence = {
        ...fields,
        id,
        occurrenceNumber: `${now.slice(2, 4)}/${String(seq).padStart(6, '0')}`,
        createdAt: now,
        locations: request.locations.map((location, index) => ({ ...location, id: `${id}-L${index + 1}` })),
        objects: request.objects.map((object, index) => ({ ...object, id: `${id}-O${index + 1}` })),
      };
      this.db.prepare('UPDATE occurrences SET data = ? WHERE id = ?').run(JSON.stringify(occurrence), id);
      const insertReference = this.db.prepare('INSERT INTO occurrence_references (occurrence_id, value) VALUES (?, ?)');
      insertReference.run(id, request.externalKeys.submissionId);
      if (request.externalKeys.forceReference) insertReference.run(id, request.externalKeys.forceReference);
      for (const link of nominalLinks ?? []) this.linkNominalInTransaction(id, link, now);
      return this.getOccurrence(id)!;
    });
  }

  getOccurrence(id: string): Occurrence | undefined {
    const row = this.db.prepare('SELECT data FROM occurrences WHERE id = ?').get(id) as { data: string } | undefined;
    if (!row) return undefined;
    const links = (this.db.prepare('SELECT data FROM nominal_links WHERE occurrence_id = ? ORDER BY seq').all(id) as Array<{ data: string }>).map(
      (link) => JSON.parse(link.data) as NominalLink,
    );
    const descriptions = (this.db.prepare('SELECT data FROM descriptions WHERE occurrence_id = ? ORDER BY seq').all(id) as Array<{ data: string }>).map(
      (description) => JSON.parse(description.data) as Description,
    );
    return { ...(JSON.parse(row.data) as StoredOccurrence), nominalLinks: links, descriptions };
  }

  findOccurrences(externalReference: string): Occurrence[] {
    const rows = this.db
      .prepare('SELECT DISTINCT o.id FROM occurrence_references r JOIN occurrences o ON o.id = r.occurrence_id WHERE r.value = ? ORDER BY o.seq')
      .all(externalReference) as Array<{ id: string }>;
    return rows.map((row) => this.getOccurrence(row.id)!);
  }

  addDescription(occurrenceId: string, input: DescriptionInput, now: string): Description {
    return this.transaction(() => {
      const { id } = this.insertWithSequenceId('descriptions', 'DSC', { occurrence_id: occurrenceId });
      const description: Description = { ...input, id, createdAt: now };
      this.db.prepare('UPDATE descriptions SET data = ? WHERE id = ?').run(JSON.stringify(description), id);
      return description;
    });
  }

  /** Links a nominal; when it is already linked, merges the roles and returns `created: false`. */
  linkNominal(occurrenceId: string, input: NominalLinkInput, now: string): { link: NominalLink; created: boolean } {
    return this.transaction(() => this.linkNominalInTransaction(occurrenceId, input, now));
  }

  private linkNominalInTransaction(occurrenceId: string, input: NominalLinkInput, now: string): { link: NominalLink; created: boolean } {
    const existing = this.db.prepare('SELECT id, data FROM nominal_links WHERE occurrence_id = ? AND nominal_id = ?').get(occurrenceId, input.nominalId) as
      | { id: string; data: string }
      | undefined;
    if (existing) {
      const link = JSON.parse(existing.data) as NominalLink;
      link.roles = [...new Set([...link.roles, ...input.roles])];
      this.db.prepare('UPDATE nominal_links SET data = ? WHERE id = ?').run(JSON.stringify(link), existing.id);
      return { link, created: false };
    }

    const { id } = this.insertWithSequenceId('nominal_links', 'LNK', { occurrence_id: occurrenceId, nominal_id: input.nominalId });
    const link: NominalLink = { ...input, roles: [...new Set(input.roles)], id, createdAt: now };
    this.db.prepare('UPDATE nominal_links SET data = ? WHERE id = ?').run(JSON.stringify(link), id);
    this.addNominalExternalKeys(input.nominalId, input.externalKeys);
    return { link, created: true };
  }

  createNominal(request: CreateNominalRequest, now: string): Nominal {
    return this.transaction(() => {
      const { id, seq } = this.insertWithSequenceId('nominals', 'NOM');
      const { externalKeys, ...attributes } = request;
      const nominal: Nominal = { ...attributes, id, nominalNumber: `N${String(seq).padStart(7, '0')}`, createdAt: now, externalKeys: [externalKeys] };
      this.db.prepare('UPDATE nominals SET data = ? WHERE id = ?').run(JSON.stringify(nominal), id);
      this.indexNominal(nominal);
      return nominal;
    });
  }

  getNominal(id: string): Nominal | undefined {
    const row = this.db.prepare('SELECT data FROM nominals WHERE id = ?').get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Nominal) : undefined;
  }

  private addNominalExternalKeys(nominalId: string, keys: ExternalKeys): void {
    const nominal = this.getNominal(nominalId);
    if (!nominal) return;
    const known = nominal.externalKeys.some((existing) => JSON.stringify(existing) === JSON.stringify(keys));
    if (known) return;
    nominal.externalKeys.push(keys);
    this.db.prepare('UPDATE nominals SET data = ? WHERE id = ?').run(JSON.stringify(nominal), nominalId);
  }

  private indexNominal(nominal: Nominal): void {
    const insert = this.db.prepare('INSERT INTO nominal_keys (nominal_id, key_type, value) VALUES (?, ?, ?)');
    for (const email of nominal.emails) insert.run(nominal.id, 'email', email.trim().toLowerCase());
    for (const phone of nominal.phones) insert.run(nominal.id, 'phone', phone);
    const name = nameKey(nominal.givenName, nominal.familyName);
    if (name) insert.run(nominal.id, 'name', name);
    if (name && nominal.dateOfBirth) insert.run(nominal.id, 'name+dateOfBirth', `${name}|${nominal.dateOfBirth}`);
    for (const [type, value] of Object.entries(nominal.policeIdentifiers)) insert.run(nominal.id, 'policeIdentifier', identifierKey(type, value));
  }

  /** Finds nominals matching any key, oldest first, with the keys each matched on. */
  searchNominals(search: NominalSearchRequest): NominalSearchResult {
    const lookups: Array<[SearchKey, string]> = [];
    for (const email of search.emails ?? []) lookups.push(['email', email.trim().toLowerCase()]);
    for (const phone of search.phones ?? []) lookups.push(['phone', phone]);
    const name = nameKey(search.givenName, search.familyName);
    if (name && search.dateOfBirth) lookups.push(['name+dateOfBirth', `${name}|${search.dateOfBirth}`]);
    else if (name) lookups.push(['name', name]);
    for (const [type, value] of Object.entries(search.policeIdentifiers ?? {})) lookups.push(['policeIdentifier', identifierKey(type, value)]);

    const matches = new Map<string, Set<SearchKey>>();
    const query = this.db.prepare('SELECT DISTINCT n.id, n.seq FROM nominal_keys k JOIN nominals n ON n.id = k.nominal_id WHERE k.key_type = ? AND k.value = ? ORDER BY n.seq');
    for (const [keyType, value] of lookups) {
      for (const row of query.all(keyType, value) as Array<{ id: string }>) {
        if (!matches.has(row.id)) matches.set(row.id, new Set());
        matches.get(row.id)!.add(keyType);
      }
    }

    const limit = search.limit ?? 20;
    const candidates = [...matches.entries()].slice(0, limit).map(([id, keys]) => ({ nominal: this.getNominal(id)!, matchedOn: [...keys] }));
    return { candidates };
  }

  counts(): AthenaCounts {
    const count = (table: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { occurrences: count('occurrences'), nominals: count('nominals'), links: count('nominal_links'), descriptions: count('descriptions') };
  }

  dump(): { occurrences: Occurrence[]; nominals: Nominal[] } {
    const occurrenceIds = this.db.prepare('SELECT id FROM occurrences ORDER BY seq').all() as Array<{ id: string }>;
    const nominalRows = this.db.prepare('SELECT data FROM nominals ORDER BY seq').all() as Array<{ data: string }>;
    return { occurrences: occurrenceIds.map((row) => this.getOccurrence(row.id)!), nominals: nominalRows.map((row) => JSON.parse(row.data) as Nominal) };
  }

  clear(): void {
    this.db.exec('DELETE FROM descriptions; DELETE FROM nominal_links; DELETE FROM nominal_keys; DELETE FROM nominals; DELETE FROM occurrence_references; DELETE FROM occurrences;');
  }
}

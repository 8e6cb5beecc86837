/** SQLite persistence of the CHS simulator: incidents, their external references and log entries. */
import type { DatabaseSync } from 'node:sqlite';
import type { CreateIncidentRequest, Incident, LogEntry, LogEntryRequest, UpdateIncidentRequest } from '../../core/chs/contract';

type StoredIncident = Omit<Incident, 'logEntries' | 'url'>;

export class ChsStore {
  constructor(private readonly db: DatabaseSync) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS incidents (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS incident_references (
        incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        system TEXT NOT NULL,
        value TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS incident_references_value ON incident_references (value, system);
      CREATE TABLE IF NOT EXISTS log_entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        data TEXT NOT NULL
      );
    `);
  }

  createIncident(request: CreateIncidentRequest, now: string): StoredIncident {
    this.db.exec('BEGIN');
    try {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO incidents (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)')
        .run(`pending-${now}-${Math.random()}`, '{}', now, now);
      const id = `INC-${String(lastInsertRowid).padStart(6, '0')}`;
      const incident: StoredIncident = {
        id,
        status: 'open',
        openingCode: request.openingCode,
        priority: request.priority,
        location: request.location,
        narrative: request.narrative,
        informant: request.informant,
        otherPeople: request.otherPeople ?? [],
        externalReferences: request.externalReferences,
        attachments: request.attachments ?? [],
        reportedAt: request.reportedAt,
        source: request.source,
        createdAt: now,
        updatedAt: now,
      };
      this.db.prepare('UPDATE incidents SET id = ?, data = ? WHERE seq = ?').run(id, JSON.stringify(incident), lastInsertRowid);
      const insertReference = this.db.prepare('INSERT INTO incident_references (incident_id, system, value) VALUES (?, ?, ?)');
      for (const reference of request.externalReferences) insertReference.run(id, reference.system, reference.value);
      this.db.exec('COMMIT');
      return incident;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  getIncident(id: string): (StoredIncident & { logEntries: LogEntry[] }) | undefined {
    const row = this.db.prepare('SELECT data FROM incidents WHERE id = ?').get(id) as { data: string } | undefined;
    if (!row) return undefined;
    return { ...(JSON.parse(row.data) as StoredIncident), logEntries: this.logEntries(id) };
  }

  findByExternalReference(value: string, system?: string): Array<StoredIncident & { logEntries: LogEntry[] }> {
    const rows = (
      system === undefined
        ? this.db.prepare('SELECT DISTINCT incident_id FROM incident_references WHERE value = ?').all(value)
        : this.db.prepare('SELECT DISTINCT incident_id FROM incident_references WHERE value = ? AND system = ?').all(value, system)
    ) as Array<{ incident_id: string }>;
    return rows
      .map((row) => this.getIncident(row.incident_id))
      .filter((incident): incident is StoredIncident & { logEntries: LogEntry[] } => incident !== undefined)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Applies the operator's review; returns undefined when the incident does not exist. */
  updateIncident(id: string, update: UpdateIncidentRequest, now: string): StoredIncident | undefined {
    const current = this.getIncident(id);
    if (!current) return undefined;
    const { logEntries: _logEntries, ...incident } = current;

    if (update.openingCode !== undefined) incident.openingCode = update.openingCode;
    if (update.classification !== undefined) incident.classification = update.classification;
    if (update.crimeDecision !== undefined) incident.crimeDecision = { ...update.crimeDecision, decidedBy: update.decidedBy, decidedAt: now };
    if (update.deployDecision !== undefined) incident.deployDecision = { ...update.deployDecision, decidedBy: update.decidedBy, decidedAt: now };
    incident.updatedAt = now;

    this.db.prepare('UPDATE incidents SET data = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(incident), now, id);
    return incident;
  }

  addLogEntry(incidentId: string, request: LogEntryRequest, now: string): LogEntry {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO log_entries (id, incident_id, data) VALUES (?, ?, ?)')
      .run(`pending-${now}-${Math.random()}`, incidentId, '{}');
    const entry: LogEntry = {
      id: `LOG-${String(lastInsertRowid).padStart(6, '0')}`,
      incidentId,
      text: request.text,
      author: request.author,
      category: request.category ?? 'note',
      createdAt: now,
    };
    this.db.prepare('UPDATE log_entries SET id = ?, data = ? WHERE seq = ?').run(entry.id, JSON.stringify(entry), lastInsertRowid);
    return entry;
  }

  logEntries(incidentId: string): LogEntry[] {
    const rows = this.db.prepare('SELECT data FROM log_entries WHERE incident_id = ? ORDER BY seq').all(incidentId) as Array<{ data: string }>;
    return rows.map((row) => JSON.parse(row.data) as LogEntry);
  }

  allIncidents(): Array<StoredIncident & { logEntries: LogEntry[] }> {
    const rows = this.db.prepare('SELECT id FROM incidents ORDER BY seq').all() as Array<{ id: string }>;
    return rows.map((row) => this.getIncident(row.id)!);
  }

  counts(): { incidents: number; logEntries: number } {
    const incidents = (this.db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
    const logEntries = (this.db.prepare('SELECT COUNT(*) AS n FROM log_entries').get() as { n: number }).n;
    return { incidents, logEntries };
  }

  clear(): void {
    this.db.exec('DELETE FROM log_entries; DELETE FROM incident_references; DELETE FROM incidents;');
  }
}

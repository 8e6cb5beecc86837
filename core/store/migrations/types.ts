/** One schema change, written once per dialect. Statements run in order inside one transaction. */
export interface Migration {
  version: number;
  name: string;
  sqlite: string[];
  postgres: string[];
}

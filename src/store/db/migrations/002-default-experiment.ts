import { type Kysely, sql } from 'kysely';

/** MLflow clients expect experiment "0" named "Default" to exist from the start. */
export function defaultExperiment() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const now = Date.now();
      await sql`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', ${now}, ${now})`.execute(db);
    },
  };
}

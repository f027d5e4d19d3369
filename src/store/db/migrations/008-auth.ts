import { type Kysely, sql } from 'kysely';

/**
 * API tokens of the Slipway server. Only a token's sha256 is kept (the secret is shown once, when it
 * is created); revoking keeps the row so the audit trail can still name the token.
 */
export function auth() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .addColumn('expires_time', 'bigint')
        .addColumn('last_used_time', 'bigint')
        .addColumn('revoked_time', 'bigint')
        // A role outside these would be granted nothing or, worse, guessed at: refuse it at the source.
        .addCheckConstraint('api_tokens_role', sql`role IN ('viewer', 'editor', 'admin')`)
        .execute();
    },
  };
}

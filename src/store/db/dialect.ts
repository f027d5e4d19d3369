/** The two databases Slipway's metadata store runs on. */
export type DialectName = 'sqlite' | 'postgres';

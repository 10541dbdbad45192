/** The two databases the vault's store runs on. */
export type Dialect = 'sqlite' | 'postgres';

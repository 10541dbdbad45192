import { randomBytes } from 'node:crypto';

/**
 * Abuse limits high enough for tests that are not about them (every test client
 * is 127.0.0.1). Tests of the limits set their own values on top.
 */
export const GENEROUS_LIMITS: Record<string, string> = {
  PARLEY_RATE_LIMIT_PER_MINUTE: '1000000',
  PARLEY_RATE_LIMIT_VISITOR_PER_MINUTE: '1000000',
  PARLEY_RATE_LIMIT_SESSIONS_PER_MINUTE: '1000000',
  PARLEY_RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '1000000',
  PARLEY_WS_MAX_PER_ADDRESS: '1000000',
  PARLEY_WS_MAX_PER_VISITOR: '1000',
  PARLEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0',
  PARLEY_VISITOR_POW_SESSIONS_PER_MINUTE: '1000000',
};

/**
 * The keys every node of one cluster shares (as an operator sets them on each
 * node): the data key-encryption key, the audit key and the secrets key. Nodes
 * of a multi-node test each have a data directory of their own, so without
 * these each would make its own keys and could not read what another wrote.
 */
export const CLUSTER_KEYS: Record<string, string> = {
  PARLEY_DATA_KEY: randomBytes(32).toString('hex'),
  PARLEY_AUDIT_KEY: randomBytes(32).toString('hex'),
  PARLEY_SECRETS_KEY: randomBytes(32).toString('hex'),
};

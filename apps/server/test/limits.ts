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
};

import type { Connection } from '../connect';
import type { SecurityRepo } from '../types';
import { mfaRepo } from './mfa';
import { orgSecurityRepo } from './org-security';
import { recoveryCodesRepo } from './recovery-codes';
import { secretColumnsRepo } from './secret-columns';
import { securityEventsRepo } from './security-events';
import { sessionSecurityRepo } from './session-security';
import { throttlesRepo } from './throttles';

/**
 * `store.security`: one facade over the security aggregates, each a repository
 * in a file of its own (issue 8 item 5), so that callers keep one door.
 */
export function securityRepo(conn: Connection): SecurityRepo {
  const { db } = conn;
  return {
    ...mfaRepo(db),
    ...recoveryCodesRepo(db),
    ...sessionSecurityRepo(db),
    ...throttlesRepo(db),
    ...orgSecurityRepo(db),
    ...securityEventsRepo(conn),
    ...secretColumnsRepo(db),
  };
}

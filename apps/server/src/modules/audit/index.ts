import { list, record } from './service';
import { verifyAudit } from './verify';

export { record, list, type AuditInput, type AuditOutcome } from './service';
export { verifyAudit, type VerifyReport, type ChainProblem } from './verify';
export { canonicalDetail, entryHash } from './chain';

/** `audit.record(store, {...})` from any module: one entry on the organisation's hash chain. */
export const audit = { record, list, verify: verifyAudit };

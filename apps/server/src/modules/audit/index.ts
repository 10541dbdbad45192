import { list, record } from './service';
import { verifyAudit } from './verify';

export { record, list, type AuditInput, type AuditOutcome } from './service';
export { verifyAudit, type VerifyReport, type ChainProblem, type VerifyOptions } from './verify';
export { canonicalDetail, entryHash, legacyEntryHash } from './chain';
export { readCheckpoints, writeCheckpoints, signCheckpoint, type Checkpoint } from './checkpoint';
export {
  auditVerifyOptions,
  checkpointFileOf,
  startAuditAnchor,
  type AuditAnchor,
  type AuditAnchorConfig,
} from './anchor';
export { registerAuditRoutes } from './routes';
export { presentAuditEntry } from './presenter';

/** `audit.record(store, {...})` from any module: one entry on the organisation's keyed hash chain. */
export const audit = { record, list, verify: verifyAudit };

export { clientIp, ipAllowed, normaliseIp, parseCidr } from './ip';
export {
  createSecurityEvents,
  presentSecurityEvent,
  securityTopic,
  type SecurityEvents,
} from './events';
export {
  bindKeyring,
  derivedKey,
  isSealed,
  keyringOf,
  loadDataKeks,
  loadKeyring,
  open,
  seal,
  sealLegacySecrets,
  secretContext,
  secureDataDir,
  type Keyring,
} from './keyring';
export { createWebhookTargetPolicy, postPinned, type WebhookTargetPolicy } from './webhook-target';
export {
  ALLOWLIST_TOPIC,
  createSecuritySettingsService,
  type SecuritySettingsService,
} from './settings-service';
export { registerSecurityRoutes } from './routes';
export { presentSecuritySettings } from './presenter';
export {
  assertInstallationKeys,
  keyFingerprint,
  keysDifferingFromInstallation,
  KeyMismatchError,
  type InstallationKeys,
} from './key-check';
export { createSignals, type Signals, type SignalInput } from './signals';
export { createRedisSignals } from './signals-redis';

export { clientIp, ipAllowed, normaliseIp, parseCidr } from './ip';
export {
  createSecurityEvents,
  presentSecurityEvent,
  securityTopic,
  type SecurityEvents,
} from './events';

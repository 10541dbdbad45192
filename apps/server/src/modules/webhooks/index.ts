export {
  createChatEventHub,
  type ChatEvent,
  type ChatEventHub,
  type ChatEventSink,
} from './events';
export { createWebhookService, type WebhookService } from './service';
export { createWebhookDelivery } from './delivery';
export { registerWebhookRoutes } from './routes';
export { presentWebhookDelivery, presentWebhookEndpoint } from './presenter';
export { WEBHOOK_SECRET_PREFIX } from './secret';

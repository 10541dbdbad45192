// Wires the customer's side (issue 15; docs/feedback.md) into a node: ratings, transcripts, offline mode.
import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus';
import type { Logger } from './logger';
import type { Store } from './store';
import type { AuthRouteOptions } from './modules/auth';
import type { ChatService } from './modules/chat';
import type { MailService } from './modules/mail';
import type { VisitorService } from './modules/visitors';
import type { ChatEventSink } from './modules/webhooks';
import {
  createRatingsService,
  createTranscriptsService,
  registerFeedbackRoutes,
} from './modules/feedback';
import { createOfflineService, registerOfflineRoutes } from './modules/offline';

/** Transcripts one conversation may ask for per hour, whoever asks (visitor or agents). */
export const TRANSCRIPTS_PER_HOUR = 3;

export function createFeedback(deps: {
  app: FastifyInstance;
  store: Store;
  bus: Bus;
  chat: ChatService;
  mail: MailService;
  visitors: VisitorService;
  log: Logger;
  authRoutes: AuthRouteOptions;
  events?: ChatEventSink;
  publicUrl: () => string;
  visitorTokenDays: number;
}) {
  const ratings = createRatingsService(deps);
  const transcripts = createTranscriptsService({
    ...deps,
    limiter: deps.app.parleyLimits.create('transcript', TRANSCRIPTS_PER_HOUR, 3_600_000),
  });
  registerFeedbackRoutes(deps.app, {
    ratings,
    transcripts,
    visitors: deps.visitors,
    authRoutes: deps.authRoutes,
  });
  // Offline mode (issue 15 item 2): business hours, leave a message, replies by e-mail.
  const offline = createOfflineService(deps);
  registerOfflineRoutes(deps.app, {
    offline,
    store: deps.store,
    authRoutes: deps.authRoutes,
    limits: deps.app.parleyLimits,
  });
  return { ratings, transcripts, offline };
}

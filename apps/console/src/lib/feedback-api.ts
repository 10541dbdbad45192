import {
  RatingEnvelopeSchema,
  RatingReportSchema,
  TranscriptQueuedSchema,
  type Rating,
  type RatingReport,
} from '@parley/protocol';
import { call } from './api';

const enc = encodeURIComponent;

/** REST calls of the customer's feedback (docs/feedback.md): ratings and transcripts. */
export const feedbackApi = {
  rating: async (conversationId: string): Promise<Rating | null> =>
    (await call(RatingEnvelopeSchema, `/api/conversations/${enc(conversationId)}/rating`)).rating,
  sendTranscript: async (conversationId: string, email: string): Promise<void> => {
    await call(
      TranscriptQueuedSchema,
      `/api/conversations/${enc(conversationId)}/transcript`,
      'POST',
      { email },
    );
  },
  report: async (from?: number, to?: number): Promise<RatingReport> => {
    const q = new URLSearchParams();
    if (from !== undefined) q.set('from', String(from));
    if (to !== undefined) q.set('to', String(to));
    const qs = q.toString();
    return call(RatingReportSchema, `/api/reports/ratings${qs ? `?${qs}` : ''}`);
  },
};

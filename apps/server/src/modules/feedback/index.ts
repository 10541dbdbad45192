export { createRatingsService, type RatingsService, type RatingsDeps } from './ratings';
export { createTranscriptsService, hideMaskedDigits, type TranscriptsService } from './transcripts';
export { registerFeedbackRoutes } from './routes';
export { feedbackAllowed, type FeedbackAction } from './policy';
export { presentRating, presentRatingFrame } from './presenter';

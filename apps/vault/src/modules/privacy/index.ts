export { anonymiseExpired, anonymisePayments, eraseConversations } from './anonymise';
export { privacyRoutes } from './routes';

/** The pay window's side of the vault: the only door into modules/pay. */
export { payRoutes, SESSION_COOKIE } from './routes';
export { continueAction, confirmPayment } from './charge';
export { openPayLink, checkSession, checkReturnToken, type LinkRefusal } from './session';
export { pageView, presentPageView, type PageView } from './presenter';
export { startHostedAttempt, syncHostedAttempt, syncHostedReference } from './hosted';
export { recordAfterPayment, type AfterPayment } from './after-payment';

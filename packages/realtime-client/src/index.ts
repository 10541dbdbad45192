// @parley/realtime-client: the browser side of the realtime protocol that the
// chat frame and the console share — a WebSocket that reconnects with
// exponential backoff and jitter and reacts to the documented close codes.
// Also the payment-card helpers both show. Dependency-free so that it stays
// small in the widget's bundle.
export {
  ReconnectingSocket,
  type SocketHandlers,
  type SocketLike,
  type SocketOptions,
  type SocketStatus,
} from './socket';
export { browserNetwork, secondsUntil, type NetworkSignal } from './network';
export {
  backoffDelay,
  closeAction,
  DEFAULT_BACKOFF,
  type BackoffOptions,
  type CloseAction,
} from './backoff';
export { formatAmount, mergePayments, minorDigits } from './payments';
export {
  formatSize,
  mergeFiles,
  typeLabel,
  uploadFile,
  UploadError,
  type Upload,
  type UploadOptions,
} from './files';

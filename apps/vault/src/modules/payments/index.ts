export {
  createPaymentRequest,
  getPayment,
  cancelPayment,
  refundPayment,
  reissueLink,
  expireIfDue,
  expireDue,
  payUrlFor,
} from './service';
export type { CreatedPaymentRequest, RefundResult } from './service';
export { presentPayment, paymentEvent } from './presenter';
export type { PresentedPayment } from './presenter';
export { CreatePaymentRequestSchema, RefundSchema, PaymentIdParamsSchema } from './schema';

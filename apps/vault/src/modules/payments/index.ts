export { createPaymentRequest, voidPaymentRequest, payUrlFor } from './create';
export type { CreatedPaymentRequest, VoidResult } from './create';
export {
  getPayment,
  cancelPayment,
  refundPayment,
  reissueLink,
  expireIfDue,
  expireDue,
} from './service';
export type { RefundResult } from './service';
export { presentPayment, paymentEvent } from './presenter';
export type { PresentedPayment } from './presenter';
export { CreatePaymentRequestSchema, RefundSchema, PaymentIdParamsSchema } from './schema';

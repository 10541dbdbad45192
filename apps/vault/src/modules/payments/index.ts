export { createPaymentRequest, voidPaymentRequest, payUrlFor } from './create';
export type { CreatedPaymentRequest, VoidResult } from './create';
export { getPayment, cancelPayment, reissueLink, expireIfDue, expireDue } from './service';
export { refundPayment, type RefundResult } from './refunds';
export { presentPayment, paymentEvent } from './presenter';
export type { PresentedPayment } from './presenter';
export { CreatePaymentRequestSchema, RefundSchema, PaymentIdParamsSchema } from './schema';
export { changePayment } from './transitions';

/**
 * The part of Stripe.js v3 the pay window uses, typed. The script itself is
 * loaded from the processor's origin (CSP allows exactly that origin); the
 * Payment Element is the processor's iframe, so card data never enters this page.
 */
export interface StripePaymentElement {
  mount(target: string | HTMLElement): void;
  on(event: 'ready', handler: () => void): StripePaymentElement;
  destroy(): void;
}

export interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): StripePaymentElement;
}

export interface StripeConfirmResult {
  error?: { type?: string; code?: string; message?: string };
  paymentIntent?: { id: string; status: string };
}

export interface StripeClient {
  elements(options: {
    clientSecret: string;
    appearance?: Record<string, unknown>;
    locale?: string;
  }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    confirmParams: { return_url: string };
    redirect: 'if_required';
  }): Promise<StripeConfirmResult>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeClient;
  }
}

const loaded = new Map<string, Promise<void>>();

/** Loads a processor's script once (no SRI: Stripe versions Stripe.js in place and forbids pinning). */
export function loadScript(src: string): Promise<void> {
  let p = loaded.get(src);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error('processor script failed to load'));
      document.head.appendChild(s);
    });
    loaded.set(src, p);
  }
  return p;
}

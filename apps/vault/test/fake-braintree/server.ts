/**
 * A local stand-in for Braintree (the remote processor cannot run here), speaking
 * its real HTTP APIs for the calls Parley makes:
 * - the gateway API the official server SDK uses: Basic auth with the API key pair,
 *   `X-ApiVersion`, JSON requests with snake_case keys, XML answers (`<transaction>`,
 *   `<api-error-response>` with status 422, `<client-token>`, `<search-results>`);
 * - the client API the browser SDK uses (`/merchants/:id/client_api/v1/…`, JSON,
 *   authorised by the client token's `authorizationFingerprint`): configuration,
 *   card tokenisation into a single-use nonce, 3-D Secure lookup;
 * - signed webhooks (`bt_signature` = `public_key|HMAC-SHA1(SHA1(private_key), bt_payload)`)
 *   it POSTs, as a form, to the vault.
 * It also serves the subset of braintree-web 3.x the pay page uses (braintree-web.ts):
 * client.create, hostedFields.create/tokenize with one iframe per field on this origin,
 * threeDSecure.create/verifyCard with a challenge frame. The card goes from those
 * iframes to this server, never to the vault.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BRAINTREE_WEB_JS, CHALLENGE_HTML, FIELD_HTML, SDK_VERSION } from './braintree-web';
import { toXml, type XmlValue } from './xml';

type Json = Record<string, unknown>;

export interface FakeTransaction {
  id: string;
  type: 'sale' | 'credit';
  status: string;
  amount: string;
  currencyIsoCode: string;
  merchantAccountId: string;
  orderId: string | null;
  processorResponseCode: string;
  processorResponseText: string;
  gatewayRejectionReason: string | null;
  refundedTransactionId: string | null;
  card: { bin: string; last4: string; cardType: string; expMonth: string; expYear: string };
  threeDSecure: { status: string; liabilityShifted: boolean } | null;
  createdAt: string;
}

interface Nonce {
  nonce: string;
  number: string;
  expMonth: string;
  expYear: string;
  consumed: boolean;
  /** The 3-D Secure result attached by a lookup (and challenge), on a fresh nonce. */
  threeDSecure: {
    status: string;
    liabilityShifted: boolean;
    liabilityShiftPossible: boolean;
  } | null;
  /** A challenge started by a lookup: its nonce waits for the customer's answer. */
  challenge: boolean;
}

export interface RecordedCall {
  method: string;
  path: string;
  /** 'private' (server SDK, API key pair), 'client' (browser, fingerprint) or 'none'. */
  auth: 'private' | 'client' | 'none';
  apiVersion: string | undefined;
  /** The JSON body, card fields cut out: what the caller sent. */
  body: Json;
}

export interface FakeDispute {
  id: string;
  /** Braintree's dispute statuses: open, won, lost, accepted, … */
  status: string;
  reason: string;
  transactionId: string;
}

export interface WebhookDelivery {
  kind: string;
  transactionId: string;
  status: number;
}

/** Braintree's documented sandbox cards and their outcomes. */
const DECLINED_CARDS: Record<string, { code: string; text: string }> = {
  '4000111111111115': { code: '2000', text: 'Do Not Honor' },
  '5105105105105100': { code: '2000', text: 'Do Not Honor' },
};
/** 3-D Secure 2 test card that asks for a challenge (Braintree "3D Secure testing"). */
export const CHALLENGE_CARD = '4000000000001091';

function cardType(number: string): string {
  if (number.startsWith('4')) return 'Visa';
  if (/^5[1-5]/.test(number) || /^2[2-7]/.test(number)) return 'MasterCard';
  if (/^3[47]/.test(number)) return 'American Express';
  return 'Discover';
}

function luhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return number.length >= 12 && sum % 10 === 0;
}

/** A JSON field as text; anything but a string or number is empty. */
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

const id = (n = 8) => randomBytes(n).toString('hex').slice(0, n);

export class FakeBraintree {
  readonly calls: RecordedCall[] = [];
  readonly webhooks: WebhookDelivery[] = [];
  webhookUrl: string | undefined;
  /** Delivers every notification twice, as Braintree may: the vault must apply it once. */
  duplicateWebhooks = true;
  /** Merchant account id → its currency; a sale without one goes to the default account. */
  readonly merchantAccounts = new Map<string, string>([['parley_eur', 'EUR']]);
  defaultMerchantAccount = 'parley_eur';
  /** Answers the next sale with 503 after recording it (a lost answer). */
  failNextSaleAnswer = false;
  url = '';
  private readonly transactions = new Map<string, FakeTransaction>();
  private readonly nonces = new Map<string, Nonce>();
  private readonly fingerprints = new Map<string, string>();
  private readonly pending = new Set<Promise<void>>();
  private server: Server | undefined;

  constructor(
    readonly merchantId = 'parley_merchant',
    readonly publicKey = 'parley_public_key',
    readonly privateKey = 'parley_private_key_0123456789',
  ) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  allTransactions(): FakeTransaction[] {
    return [...this.transactions.values()];
  }

  /** Braintree's webhook signature over a payload. */
  static signature(publicKey: string, privateKey: string, payload: string): string {
    const key = createHash('sha1').update(privateKey).digest();
    return `${publicKey}|${createHmac('sha1', key).update(payload).digest('hex')}`;
  }

  /** A signed notification as Braintree posts it (form fields). */
  notification(kind: string, tx: FakeTransaction, at = new Date()): Record<string, string> {
    const xml = toXml('notification', {
      timestamp: { '@type': 'datetime', '#': at.toISOString().replace(/\.\d+Z$/, 'Z') },
      kind,
      subject: { transaction: this.transactionXml(tx) },
    });
    const payload = `${Buffer.from(xml).toString('base64')}\n`;
    return {
      bt_signature: FakeBraintree.signature(this.publicKey, this.privateKey, payload),
      bt_payload: payload,
    };
  }

  /** Settles (or declines the settlement of) a sale, as Braintree's batch does, and notifies. */
  async settle(transactionId: string, declined = false): Promise<void> {
    const tx = this.transactions.get(transactionId);
    if (!tx) throw new Error(`no transaction ${transactionId}`);
    tx.status = declined ? 'settlement_declined' : 'settled';
    await this.deliver(declined ? 'transaction_settlement_declined' : 'transaction_settled', tx);
  }

  private readonly disputes = new Map<string, FakeDispute>();

  /** The customer's bank opens a chargeback on a sale (Braintree `dispute_opened`). */
  async openDispute(transactionId: string, reason = 'fraud'): Promise<FakeDispute> {
    const tx = this.transactions.get(transactionId);
    if (!tx) throw new Error(`no transaction ${transactionId}`);
    const dispute: FakeDispute = { id: id(12), status: 'open', reason, transactionId };
    this.disputes.set(dispute.id, dispute);
    await this.deliver('dispute_opened', tx, this.disputeXml(dispute));
    return dispute;
  }

  /** The bank decides (`won`, `lost`) or the merchant accepts (`accepted`); notifies. */
  async decideDispute(disputeId: string, status: 'won' | 'lost' | 'accepted'): Promise<void> {
    const dispute = this.disputes.get(disputeId);
    if (!dispute) throw new Error(`no dispute ${disputeId}`);
    dispute.status = status;
    const tx = this.transactions.get(dispute.transactionId)!;
    await this.deliver(`dispute_${status}`, tx, this.disputeXml(dispute));
  }

  /** A signed dispute notification as Braintree posts it (`subject.dispute`). */
  disputeNotification(kind: string, dispute: FakeDispute, at = new Date()) {
    return this.signed(kind, { dispute: this.disputeXml(dispute) }, at);
  }

  private disputeXml(d: FakeDispute): Record<string, XmlValue> {
    const tx = this.transactions.get(d.transactionId)!;
    return {
      id: d.id,
      status: d.status,
      reason: d.reason,
      kind: 'chargeback',
      amount: tx.amount,
      'currency-iso-code': tx.currencyIsoCode,
      'received-date': { '@type': 'date', '#': new Date().toISOString().slice(0, 10) },
      transaction: { id: tx.id, amount: tx.amount, 'order-id': tx.orderId },
    };
  }

  private signed(kind: string, subject: Record<string, XmlValue>, at: Date) {
    const xml = toXml('notification', {
      timestamp: { '@type': 'datetime', '#': at.toISOString().replace(/\.\d+Z$/, 'Z') },
      kind,
      subject,
    });
    const payload = `${Buffer.from(xml).toString('base64')}\n`;
    return {
      bt_signature: FakeBraintree.signature(this.publicKey, this.privateKey, payload),
      bt_payload: payload,
    };
  }

  private async deliver(
    kind: string,
    tx: FakeTransaction,
    dispute?: Record<string, XmlValue>,
  ): Promise<void> {
    if (!this.webhookUrl) return;
    const form = new URLSearchParams(
      dispute ? this.signed(kind, { dispute }, new Date()) : this.notification(kind, tx),
    ).toString();
    const post = async () => {
      const res = await fetch(this.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      }).catch(() => undefined);
      this.webhooks.push({ kind, transactionId: tx.id, status: res?.status ?? 0 });
    };
    const p = (async () => {
      await post();
      if (this.duplicateWebhooks) await post();
    })();
    this.pending.add(p);
    await p.finally(() => this.pending.delete(p));
  }

  private transactionXml(tx: FakeTransaction): Record<string, XmlValue> {
    return {
      id: tx.id,
      status: tx.status,
      type: tx.type,
      amount: tx.amount,
      'currency-iso-code': tx.currencyIsoCode,
      'merchant-account-id': tx.merchantAccountId,
      'order-id': tx.orderId,
      'processor-response-code': tx.processorResponseCode,
      'processor-response-text': tx.processorResponseText,
      'gateway-rejection-reason': tx.gatewayRejectionReason,
      'refunded-transaction-id': tx.refundedTransactionId,
      'payment-instrument-type': 'credit_card',
      'credit-card': {
        bin: tx.card.bin,
        'last-4': tx.card.last4,
        'card-type': tx.card.cardType,
        'expiration-month': tx.card.expMonth,
        'expiration-year': tx.card.expYear,
      },
      'three-d-secure-info': tx.threeDSecure
        ? {
            status: tx.threeDSecure.status,
            'liability-shifted': tx.threeDSecure.liabilityShifted,
            'liability-shift-possible': true,
          }
        : null,
      'created-at': { '@type': 'datetime', '#': tx.createdAt },
      'updated-at': { '@type': 'datetime', '#': new Date().toISOString() },
    };
  }

  // ---- HTTP -------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type, braintree-version',
      'access-control-allow-methods': 'GET, POST',
    };
    if (method === 'OPTIONS') return void res.writeHead(204, cors).end();
    // The browser SDK and its frames.
    const base = `/web/${SDK_VERSION}/js/`;
    if (method === 'GET' && url.pathname.startsWith(base)) {
      const name = url.pathname.slice(base.length);
      if (!['client.min.js', 'hosted-fields.min.js', 'three-d-secure.min.js'].includes(name))
        return void res.writeHead(404).end();
      // One script defines the whole subset; the three files are what the page loads.
      return void res
        .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...cors })
        .end(name === 'client.min.js' ? BRAINTREE_WEB_JS : `/* ${name}: in client.min.js */`);
    }
    if (method === 'GET' && url.pathname === '/hosted-fields-frame.html')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(FIELD_HTML);
    if (method === 'GET' && url.pathname === '/3ds/challenge.html')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(CHALLENGE_HTML);

    const body = raw ? (JSON.parse(raw) as Json) : Object.fromEntries(url.searchParams);
    const clientApi = /^\/merchants\/([^/]+)\/client_api\/v1\/(.+)$/.exec(url.pathname);
    if (clientApi) {
      this.record(method, url.pathname, 'client', req, body);
      const answer = this.clientApi(method, clientApi[2]!, body);
      return void res
        .writeHead(answer.status, { 'content-type': 'application/json', ...cors })
        .end(JSON.stringify(answer.body));
    }
    if (url.pathname === '/3ds/answer' && method === 'POST') {
      const answer = this.answerChallenge(body);
      return void res
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body));
    }
    // The gateway API: the server SDK with the API key pair.
    const expected = `Basic ${Buffer.from(`${this.publicKey}:${this.privateKey}`).toString('base64')}`;
    const authorised = req.headers.authorization === expected;
    this.record(method, url.pathname, authorised ? 'private' : 'none', req, body);
    if (!authorised) return void res.writeHead(401).end();
    if (!req.headers['x-apiversion']) return void res.writeHead(426).end();
    const prefix = `/merchants/${this.merchantId}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return void res.writeHead(404).end();
    const answer = this.gatewayApi(method, url.pathname.slice(prefix.length), body);
    if (answer.status === 503 || answer.status === 404)
      return void res.writeHead(answer.status).end();
    return void res
      .writeHead(answer.status, { 'content-type': 'application/xml; charset=utf-8' })
      .end(`<?xml version="1.0" encoding="UTF-8"?>\n${answer.xml}`);
  }

  private record(
    method: string,
    path: string,
    auth: RecordedCall['auth'],
    req: IncomingMessage,
    body: Json,
  ): void {
    const cut = JSON.parse(JSON.stringify(body)) as Json;
    const card = (cut.creditCard ?? cut.credit_card) as Json | undefined;
    if (card) for (const k of ['number', 'cvv']) if (k in card) card[k] = '[cut]';
    this.calls.push({
      method,
      path,
      auth,
      apiVersion: req.headers['x-apiversion'] as string | undefined,
      body: cut,
    });
  }

  // ---- client API (browser) ---------------------------------------------------------

  private clientApi(method: string, path: string, body: Json): { status: number; body: Json } {
    const fingerprint = str(body.authorizationFingerprint);
    const merchantAccount = this.fingerprints.get(fingerprint);
    if (merchantAccount === undefined)
      return { status: 401, body: { error: { message: 'Authorization fingerprint is invalid' } } };
    if (method === 'GET' && path === 'configuration')
      return {
        status: 200,
        body: {
          merchantId: this.merchantId,
          environment: 'sandbox',
          clientApiUrl: `${this.url}/merchants/${this.merchantId}/client_api`,
          assetsUrl: this.url,
          threeDSecureEnabled: true,
          merchantAccountId: merchantAccount,
          challenges: ['cvv'],
          creditCards: { supportedCardTypes: ['Visa', 'MasterCard', 'American Express'] },
        },
      };
    if (method === 'POST' && path === 'payment_methods/credit_cards') {
      const card = (body.creditCard ?? {}) as Record<string, string>;
      const number = String(card.number ?? '').replace(/\D/g, '');
      const [month, year] = String(card.expirationDate ?? '').split('/');
      const invalid: string[] = [];
      if (!luhn(number)) invalid.push('number');
      if (!month || !year || Number(month) < 1 || Number(month) > 12)
        invalid.push('expirationDate');
      if (!/^\d{3,4}$/.test(String(card.cvv ?? ''))) invalid.push('cvv');
      if (invalid.length)
        return {
          status: 422,
          body: { error: { message: 'Credit card is invalid' }, fieldErrors: invalid },
        };
      const nonce = this.newNonce(number, month!, year!);
      return { status: 201, body: { creditCards: [this.nonceJson(nonce)] } };
    }
    const lookup = /^payment_methods\/([^/]+)\/three_d_secure\/lookup$/.exec(path);
    if (method === 'POST' && lookup) {
      const from = this.nonces.get(lookup[1]!);
      if (!from || from.consumed)
        return { status: 422, body: { error: { message: 'Payment method nonce is invalid' } } };
      from.consumed = true;
      const next = this.newNonce(from.number, from.expMonth, from.expYear);
      if (from.number === CHALLENGE_CARD) {
        next.challenge = true;
        return {
          status: 201,
          body: {
            paymentMethod: this.nonceJson(next),
            lookup: {
              acsUrl: `${this.url}/3ds/challenge.html?nonce=${next.nonce}`,
              transStatus: 'C',
            },
            threeDSecureInfo: { liabilityShifted: false, liabilityShiftPossible: true },
          },
        };
      }
      next.threeDSecure = {
        status: 'authenticate_successful',
        liabilityShifted: true,
        liabilityShiftPossible: true,
      };
      return {
        status: 201,
        body: {
          paymentMethod: this.nonceJson(next),
          lookup: { acsUrl: null, transStatus: 'Y' },
          threeDSecureInfo: { liabilityShifted: true, liabilityShiftPossible: true },
        },
      };
    }
    return { status: 404, body: { error: { message: 'Not found' } } };
  }

  /** The challenge frame's answer (the issuer's page, in reality Cardinal's). */
  private answerChallenge(body: Json): { status: number; body: Json } {
    const nonce = this.nonces.get(str(body.nonce));
    if (!nonce?.challenge || nonce.consumed) return { status: 422, body: {} };
    nonce.challenge = false;
    nonce.threeDSecure =
      body.approve === true
        ? {
            status: 'authenticate_successful',
            liabilityShifted: true,
            liabilityShiftPossible: true,
          }
        : { status: 'authenticate_failed', liabilityShifted: false, liabilityShiftPossible: true };
    return { status: 200, body: { paymentMethod: this.nonceJson(nonce) } };
  }

  private newNonce(number: string, month: string, year: string): Nonce {
    const nonce: Nonce = {
      nonce: `tokencc_fake_${id(12)}`,
      number,
      expMonth: month.padStart(2, '0'),
      expYear: year.length === 2 ? `20${year}` : year,
      consumed: false,
      threeDSecure: null,
      challenge: false,
    };
    this.nonces.set(nonce.nonce, nonce);
    return nonce;
  }

  private nonceJson(n: Nonce): Json {
    return {
      type: 'CreditCard',
      nonce: n.nonce,
      description: `ending in ${n.number.slice(-2)}`,
      details: {
        bin: n.number.slice(0, 6),
        lastFour: n.number.slice(-4),
        lastTwo: n.number.slice(-2),
        cardType: cardType(n.number),
        expirationMonth: n.expMonth,
        expirationYear: n.expYear,
      },
      threeDSecureInfo: n.threeDSecure,
    };
  }

  // ---- gateway API (server SDK) ---------------------------------------------------

  private gatewayApi(method: string, path: string, body: Json): { status: number; xml: string } {
    if (method === 'POST' && path === '/client_token') {
      const params = (body.client_token ?? {}) as Json;
      const account = params.merchant_account_id
        ? str(params.merchant_account_id)
        : this.defaultMerchantAccount;
      if (!this.merchantAccounts.has(account))
        return this.validationError('Merchant account not found', '92807');
      const fingerprint = id(32);
      this.fingerprints.set(fingerprint, account);
      const token = Buffer.from(
        JSON.stringify({
          version: 2,
          authorizationFingerprint: fingerprint,
          configUrl: `${this.url}/merchants/${this.merchantId}/client_api/v1/configuration`,
          clientApiUrl: `${this.url}/merchants/${this.merchantId}/client_api`,
          assetsUrl: this.url,
          environment: 'sandbox',
          merchantId: this.merchantId,
        }),
      ).toString('base64');
      return { status: 201, xml: toXml('client-token', { value: token }) };
    }
    if (method === 'POST' && path === '/transactions')
      return this.sale((body.transaction ?? {}) as Json);
    if (method === 'POST' && path === '/transactions/advanced_search_ids') {
      const ids = this.search((body.search ?? {}) as Json).map((t) => t.id);
      return {
        status: 200,
        xml: toXml('search-results', {
          'page-size': { '@type': 'integer', '#': '50' },
          ids: { '@type': 'array', item: ids },
        }),
      };
    }
    if (method === 'POST' && path === '/transactions/advanced_search') {
      const found = this.search((body.search ?? {}) as Json);
      return {
        status: 200,
        xml: toXml('credit-card-transactions', {
          '@type': 'collection',
          transaction: found.map((t) => this.transactionXml(t)),
        }),
      };
    }
    const disputed = /^\/disputes\/([^/]+)$/.exec(path);
    if (method === 'GET' && disputed) {
      const dispute = this.disputes.get(disputed[1]!);
      return dispute
        ? { status: 200, xml: toXml('dispute', this.disputeXml(dispute)) }
        : { status: 404, xml: '' };
    }
    const one = /^\/transactions\/([^/]+)(?:\/(void|refund))?$/.exec(path);
    const tx = one ? this.transactions.get(one[1]!) : undefined;
    if (!one || !tx) return { status: 404, xml: '' };
    if (method === 'GET' && !one[2])
      return { status: 200, xml: toXml('transaction', this.transactionXml(tx)) };
    if (method === 'PUT' && one[2] === 'void') {
      if (!['authorized', 'submitted_for_settlement', 'settlement_pending'].includes(tx.status))
        return this.validationError(
          'Transaction can only be voided if status is authorized or submitted_for_settlement.',
          '91504',
          tx,
        );
      tx.status = 'voided';
      return { status: 200, xml: toXml('transaction', this.transactionXml(tx)) };
    }
    if (method === 'POST' && one[2] === 'refund') {
      if (tx.status !== 'settled' && tx.status !== 'settling')
        return this.validationError('Cannot refund transaction unless it is settled.', '91506', tx);
      const amount = str(((body.transaction ?? {}) as Json).amount) || tx.amount;
      const refund: FakeTransaction = {
        ...tx,
        id: id(8),
        type: 'credit',
        status: 'submitted_for_settlement',
        amount,
        refundedTransactionId: tx.id,
        createdAt: new Date().toISOString(),
      };
      this.transactions.set(refund.id, refund);
      return { status: 201, xml: toXml('transaction', this.transactionXml(refund)) };
    }
    return { status: 404, xml: '' };
  }

  private search(criteria: Json): FakeTransaction[] {
    const orderId = (criteria.order_id as { is?: string } | undefined)?.is;
    const ids = criteria.ids as string[] | undefined;
    return this.allTransactions().filter(
      (t) => (orderId === undefined || t.orderId === orderId) && (!ids || ids.includes(t.id)),
    );
  }

  private validationError(message: string, code: string, tx?: FakeTransaction) {
    return {
      status: 422,
      xml: toXml('api-error-response', {
        errors: {
          errors: { '@type': 'array' },
          transaction: {
            errors: { '@type': 'array', error: [{ code, message, attribute: 'base' }] },
          },
        },
        message,
        ...(tx ? { transaction: this.transactionXml(tx) } : {}),
      }),
    };
  }

  private sale(params: Json): { status: number; xml: string } {
    const nonce = this.nonces.get(str(params.payment_method_nonce));
    if (!nonce) return this.validationError('Unknown payment_method_nonce.', '91565');
    if (nonce.consumed)
      return this.validationError('Cannot use a payment_method_nonce more than once.', '91564');
    const amount = str(params.amount);
    if (!/^\d+(\.\d{1,3})?$/.test(amount))
      return this.validationError('Amount is an invalid format.', '81503');
    const account = params.merchant_account_id
      ? str(params.merchant_account_id)
      : this.defaultMerchantAccount;
    const currency = this.merchantAccounts.get(account);
    if (!currency) return this.validationError('Merchant account ID is invalid.', '91513');
    nonce.consumed = true;
    const options = (params.options ?? {}) as Json;
    const threeDSecureRequired = ((options.three_d_secure ?? {}) as Json).required === true;
    const declined = DECLINED_CARDS[nonce.number];
    // Braintree's sandbox: amounts 2000.00–2999.99 decline with that processor code.
    const byAmount = /^2\d{3}(\.\d+)?$/.test(amount) ? amount.split('.')[0] : undefined;
    const tx: FakeTransaction = {
      id: id(8),
      type: 'sale',
      status: options.submit_for_settlement === true ? 'submitted_for_settlement' : 'authorized',
      amount,
      currencyIsoCode: currency,
      merchantAccountId: account,
      orderId: params.order_id ? str(params.order_id) : null,
      processorResponseCode: '1000',
      processorResponseText: 'Approved',
      gatewayRejectionReason: null,
      refundedTransactionId: null,
      card: {
        bin: nonce.number.slice(0, 6),
        last4: nonce.number.slice(-4),
        cardType: cardType(nonce.number),
        expMonth: nonce.expMonth,
        expYear: nonce.expYear,
      },
      threeDSecure: nonce.threeDSecure
        ? {
            status: nonce.threeDSecure.status,
            liabilityShifted: nonce.threeDSecure.liabilityShifted,
          }
        : null,
      createdAt: new Date().toISOString(),
    };
    if (threeDSecureRequired && !nonce.threeDSecure?.liabilityShifted) {
      tx.status = 'gateway_rejected';
      tx.gatewayRejectionReason = 'three_d_secure';
      tx.processorResponseCode = '';
      tx.processorResponseText = 'Unknown ()';
    } else if (declined || byAmount) {
      tx.status = 'processor_declined';
      tx.processorResponseCode = declined?.code ?? byAmount!;
      tx.processorResponseText = declined?.text ?? 'Declined';
    }
    this.transactions.set(tx.id, tx);
    if (this.failNextSaleAnswer) {
      this.failNextSaleAnswer = false;
      return { status: 503, xml: '' };
    }
    if (tx.status === 'gateway_rejected' || tx.status === 'processor_declined')
      return {
        status: 422,
        xml: toXml('api-error-response', {
          errors: { errors: { '@type': 'array' } },
          message:
            tx.status === 'gateway_rejected'
              ? 'Gateway Rejected: three_d_secure'
              : tx.processorResponseText,
          transaction: this.transactionXml(tx),
        }),
      };
    return { status: 201, xml: toXml('transaction', this.transactionXml(tx)) };
  }
}

import type { ChatMessage, FileSummary, PaymentSummary, ServerFrame } from '@parley/protocol';

// The frame validates incoming frames by hand instead of with the protocol's
// zod schemas, to keep the widget bundle small. It checks exactly the fields
// it reads; unknown frame types are ignored (forward compatible).

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/** The server frames the visitor chat handles. */
export type VisitorFrame =
  | Extract<
      ServerFrame,
      {
        type:
          | 'ready'
          | 'ack'
          | 'message'
          | 'redact'
          | 'typing'
          | 'resumed'
          | 'pong'
          | 'error'
          | 'payment'
          | 'file';
      }
    >
  /** Only the fields a visitor needs of a conversation frame (if the server sends one on a status change). */
  | { type: 'conversation'; conversation: { id: string; status: 'waiting' | 'active' | 'closed' } };

const SENDER_KINDS = ['visitor', 'agent', 'system'] as const;

function parseMessage(d: Rec): ChatMessage | null {
  const s = d.sender;
  if (
    !isStr(d.id) ||
    !isStr(d.conversationId) ||
    !isSeq(d.seq) ||
    !isStr(d.text) ||
    !isStrArray(d.masked) ||
    typeof d.createdAt !== 'number'
  )
    return null;
  if (!isRec(s)) return null;
  const kind = SENDER_KINDS.find((k) => k === s.kind);
  if (!kind) return null;
  const sender = { kind, id: isStr(s.id) ? s.id : null, name: isStr(s.name) ? s.name : null };
  const system = kind === 'system' ? parseSystemLine(d.system) : undefined;
  return {
    id: d.id,
    conversationId: d.conversationId,
    seq: d.seq,
    sender,
    text: d.text,
    masked: d.masked,
    createdAt: d.createdAt,
    ...(system ? { system } : {}),
  };
}

const SYSTEM_CODES = ['talking_to', 'joined', 'card_hidden'] as const;

/** A server-written line's code and string parameters; an unknown code: none (the text shows). */
function parseSystemLine(v: unknown): ChatMessage['system'] {
  if (!isRec(v) || !isRec(v.params)) return undefined;
  const code = SYSTEM_CODES.find((c) => c === v.code);
  if (!code) return undefined;
  const params: Record<string, string> = {};
  for (const [k, p] of Object.entries(v.params)) if (isStr(p)) params[k] = p;
  return { code, params };
}

const PAYMENT_STATUSES = [
  'created',
  'opened',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
  'expired',
  'disputed',
] as const;
const strOrNull = (v: unknown): string | null => (isStr(v) ? v : null);

const FILE_STATUSES = ['checking', 'available', 'blocked'] as const;
const BLOCK_REASONS = ['malware', 'card', 'unreadable'] as const;

/** A file card (from a frame or GET …/files); null when malformed. */
export function parseFile(d: unknown): FileSummary | null {
  if (!isRec(d) || !isRec(d.uploader)) return null;
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  const intOrNull = (v: unknown): number | null => (int(v) ? v : null);
  const status = FILE_STATUSES.find((x) => x === d.status);
  const kind = d.kind === 'image' ? 'image' : d.kind === 'file' ? 'file' : null;
  const uploader =
    d.uploader.kind === 'agent' ? 'agent' : d.uploader.kind === 'visitor' ? 'visitor' : null;
  if (
    !status ||
    !kind ||
    !uploader ||
    !isStr(d.uploader.id) ||
    !isStr(d.id) ||
    !isStr(d.conversationId) ||
    !isStr(d.batchId) ||
    !isStr(d.clientId) ||
    !isStr(d.name) ||
    !isStr(d.type) ||
    !int(d.size) ||
    !int(d.createdAt) ||
    !int(d.updatedAt)
  )
    return null;
  return {
    id: d.id,
    conversationId: d.conversationId,
    batchId: d.batchId,
    clientId: d.clientId,
    uploader: { kind: uploader, id: d.uploader.id },
    name: d.name,
    size: d.size,
    type: d.type,
    kind,
    status,
    blockReason: BLOCK_REASONS.find((x) => x === d.blockReason) ?? null,
    notice: strOrNull(d.notice),
    signature: null,
    width: intOrNull(d.width),
    height: intOrNull(d.height),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** A payment card (from a frame or GET …/payments); null when malformed. */
export function parsePayment(d: unknown): PaymentSummary | null {
  if (!isRec(d)) return null;
  const status = PAYMENT_STATUSES.find((x) => x === d.status);
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  if (
    !status ||
    !isStr(d.id) ||
    !isStr(d.conversationId) ||
    !int(d.amount) ||
    !isStr(d.currency) ||
    !isStr(d.description) ||
    !int(d.amountRefunded) ||
    !int(d.createdAt) ||
    !int(d.updatedAt)
  )
    return null;
  return {
    id: d.id,
    conversationId: d.conversationId,
    status,
    amount: d.amount,
    currency: d.currency,
    description: d.description,
    amountRefunded: d.amountRefunded,
    brand: strOrNull(d.brand),
    last4: strOrNull(d.last4),
    gatewayReference: strOrNull(d.gatewayReference),
    failureMessage: strOrNull(d.failureMessage),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    // The customer's card needs neither the attempts nor the processor's dashboard.
    attempts: [],
    dashboardUrl: null,
  };
}

export function parseVisitorFrame(raw: string): VisitorFrame | null {
  let d: unknown;
  try {
    d = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRec(d)) return null;
  switch (d.type) {
    case 'ready':
      return (d.role === 'visitor' || d.role === 'agent') && isStr(d.id)
        ? { type: 'ready', role: d.role, id: d.id }
        : null;
    case 'ack':
      return isStr(d.clientMsgId) && isStr(d.conversationId) && isSeq(d.seq)
        ? { type: 'ack', clientMsgId: d.clientMsgId, conversationId: d.conversationId, seq: d.seq }
        : null;
    case 'message': {
      const m = parseMessage(d);
      return m ? { type: 'message', ...m } : null;
    }
    case 'redact':
      return isStr(d.conversationId) && isSeq(d.seq) && isStr(d.text) && isStrArray(d.masked)
        ? {
            type: 'redact',
            conversationId: d.conversationId,
            seq: d.seq,
            text: d.text,
            masked: d.masked,
          }
        : null;
    case 'typing':
      return isStr(d.conversationId) &&
        (d.from === 'visitor' || d.from === 'agent') &&
        typeof d.typing === 'boolean'
        ? { type: 'typing', conversationId: d.conversationId, from: d.from, typing: d.typing }
        : null;
    case 'resumed':
      return isStr(d.conversationId) && isSeq(d.lastSeq)
        ? { type: 'resumed', conversationId: d.conversationId, lastSeq: d.lastSeq }
        : null;
    case 'pong':
      return { type: 'pong' };
    case 'payment': {
      const payment = parsePayment(d.payment);
      return payment && isStr(d.conversationId)
        ? { type: 'payment', conversationId: d.conversationId, payment }
        : null;
    }
    case 'file': {
      const file = parseFile(d.file);
      return file && isStr(d.conversationId)
        ? { type: 'file', conversationId: d.conversationId, file }
        : null;
    }
    case 'conversation': {
      const c = d.conversation;
      if (!isRec(c) || !isStr(c.id)) return null;
      const status = (['waiting', 'active', 'closed'] as const).find((s) => s === c.status);
      return status ? { type: 'conversation', conversation: { id: c.id, status } } : null;
    }
    case 'error': {
      if (!isStr(d.code) || !isStr(d.message)) return null;
      const frame: VisitorFrame = { type: 'error', code: d.code, message: d.message };
      if (isStr(d.clientMsgId)) frame.clientMsgId = d.clientMsgId;
      if (isStr(d.conversationId)) frame.conversationId = d.conversationId;
      return frame;
    }
    default:
      return null;
  }
}

import {
  createConversationMasker,
  maskText,
  type ConversationMasker as Masker,
  type MaskOptions,
} from '@parley/masking';
import type { MaskedMessage, MessageMasker, SeqRef } from './masking';

type ConversationMasker = Masker<SeqRef>;

export interface MaskerRegistryOptions {
  /** Options per organisation (rules, PAN display, custom rules); defaults when undefined. */
  optionsFor?: (orgId: string) => MaskOptions | undefined;
  /** Conversations whose split-number state is kept in memory at once. */
  maxConversations?: number;
  /** State of a conversation idle this long is dropped. */
  idleMs?: number;
}

function kinds(findings: readonly { type: string }[]): string[] {
  return [...new Set(findings.map((f) => (f.type.startsWith('custom:') ? 'custom' : f.type)))];
}

/**
 * Keeps one stateful masker per conversation so that a card number split over
 * several messages is still caught. The state lives only in memory, bounded
 * and short-lived: the originals are never stored (DESIGN.md law 1).
 */
export function createMessageMasker(opts: MaskerRegistryOptions = {}): MessageMasker {
  const max = opts.maxConversations ?? 10_000;
  const idleMs = opts.idleMs ?? 30 * 60_000;
  // Map iteration order is insertion order: re-inserting on use makes it an LRU.
  const maskers = new Map<
    string,
    { masker: ConversationMasker; usedAt: number; options: MaskOptions | undefined }
  >();

  function get(conversationId: string, orgOptions: MaskOptions | undefined): ConversationMasker {
    const now = Date.now();
    const entry = maskers.get(conversationId);
    // Settings changed since this conversation's masker was made: start a new one with them.
    if (entry && now - entry.usedAt < idleMs && entry.options === orgOptions) {
      maskers.delete(conversationId);
      entry.usedAt = now;
      maskers.set(conversationId, entry);
      return entry.masker;
    }
    const masker = createConversationMasker<SeqRef>(orgOptions);
    maskers.delete(conversationId);
    maskers.set(conversationId, { masker, usedAt: now, options: orgOptions });
    while (maskers.size > max) {
      const oldest = maskers.keys().next().value;
      if (oldest === undefined) break;
      maskers.delete(oldest);
    }
    return masker;
  }

  return {
    maskMessage(conversationId, senderKey, text, ref, orgId?: string): MaskedMessage {
      const masker = get(conversationId, orgId ? opts.optionsFor?.(orgId) : undefined);
      const result = masker.process(senderKey, text, ref);
      return {
        text: result.text,
        masked: kinds(result.findings),
        redacted: result.redacted.map((r) => ({
          ref: r.ref,
          text: r.text,
          masked: kinds(r.findings),
        })),
      };
    },
    maskField(text, orgId) {
      const result = maskText(text, opts.optionsFor?.(orgId));
      return { text: result.text, masked: kinds(result.findings) };
    },
    forget(conversationId) {
      maskers.delete(conversationId);
    },
  };
}

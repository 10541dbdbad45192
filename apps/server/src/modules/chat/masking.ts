/** A handle whose seq is known once the message commits (for retroactive redaction). */
export interface SeqRef {
  seq: Promise<number>;
}

export interface MaskedMessage {
  text: string;
  /** Kinds of secret found (never their values). */
  masked: string[];
  /** Earlier messages of the same sender whose text must now be replaced. */
  redacted: { ref: SeqRef; text: string; masked: string[] }[];
}

/** The server's seam to packages/masking: per-conversation state lives behind it. */
export interface MessageMasker {
  maskMessage(
    conversationId: string,
    senderKey: string,
    text: string,
    ref: SeqRef,
    orgId?: string,
  ): MaskedMessage;
  maskField(text: string, orgId: string): { text: string; masked: string[] };
  /** Drops the in-memory state of a conversation (closed, idle). */
  forget(conversationId: string): void;
}

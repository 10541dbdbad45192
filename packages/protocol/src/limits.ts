/** Protocol limits; docs/protocol.md documents them. */
export const LIMITS = {
  /** Largest WebSocket frame accepted, in bytes. Larger closes with 1009. */
  maxFrameBytes: 16 * 1024,
  /** Longest message text, in UTF-16 code units. */
  maxTextLength: 4000,
  /** Token bucket per socket: burst size and refill per second. Exceeding closes with 4029. */
  rateBurst: 30,
  ratePerSecond: 10,
  /** A visitor socket must send its auth frame within this many milliseconds. */
  authTimeoutMs: 10_000,
  /** How many messages one resume replays per batch frame. */
  resumeBatch: 500,
} as const;

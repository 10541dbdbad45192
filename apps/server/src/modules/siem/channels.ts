/**
 * The SIEM channels an installation streams to, bound to its store like the
 * keyring (modules/security/keyring.ts), so that `audit.record(store, …)` and
 * the security events queue their outbox rows without a new parameter.
 */
interface Binding {
  channels: readonly string[];
  /** Wakes the exporter after a row was committed. */
  wake: () => void;
}

const bound = new WeakMap<object, Binding>();

export function bindSiemChannels(store: object, binding: Binding): void {
  bound.set(store, binding);
}

/** The channels new audit entries and security events are queued for; none when unbound. */
export function siemChannelsOf(store: object): readonly string[] {
  return bound.get(store)?.channels ?? [];
}

/** Tells the exporter a row is waiting. */
export function wakeSiem(store: object): void {
  bound.get(store)?.wake();
}

import {
  BRIDGE_CHANNEL,
  parseLoaderMessage,
  type FrameMessage,
  type LoaderMessage,
} from '../shared/bridge';

type Outgoing = FrameMessage extends infer M
  ? M extends FrameMessage
    ? Omit<M, 'channel'>
    : never
  : never;

export interface ParentBridge {
  /** True when the frame runs inside the loader's iframe on a checked host origin. */
  embedded: boolean;
  post(message: Outgoing): void;
  dispose(): void;
}

/** The frame's side of the postMessage link: only to and from `hostOrigin`'s parent window. */
export function connectParent(
  hostOrigin: string | null,
  onMessage: (m: LoaderMessage) => void,
): ParentBridge {
  const embedded = hostOrigin !== null && window.parent !== window;
  const listener = (event: MessageEvent): void => {
    if (!hostOrigin) return;
    const msg = parseLoaderMessage(event, hostOrigin, window.parent);
    if (msg) onMessage(msg);
  };
  window.addEventListener('message', listener);
  return {
    embedded,
    post: (message) => {
      // Name the target origin: if the parent is not the host we were told,
      // the browser drops the message instead of leaking it.
      if (embedded && hostOrigin)
        window.parent.postMessage({ channel: BRIDGE_CHANNEL, ...message }, hostOrigin);
    },
    dispose: () => window.removeEventListener('message', listener),
  };
}

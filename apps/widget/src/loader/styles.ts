// Styles live inside the closed shadow root, so the host page's CSS cannot
// reach them and ours cannot leak out. `all: initial` on the host element
// stops inherited properties (font, colour, line-height) from bleeding in.
export const LOADER_CSS = `
:host { all: initial; position: fixed; right: var(--px, 20px); bottom: var(--py, 20px); z-index: 2147483000; display: block; }
:host([data-left]) { right: auto; left: var(--px, 20px); }
.launcher { all: unset; box-sizing: border-box; min-width: 56px; height: 56px; border-radius: 28px; background: var(--c, #1f4fd1); color: #fff;
  display: flex; align-items: center; justify-content: center; gap: 8px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); position: relative;
  font: 600 15px/1 system-ui, sans-serif; }
.launcher:hover { filter: brightness(.88); }
.label { padding-right: 8px; }
.label:empty { display: none; }
.launcher:has(.label:not(:empty):not([hidden])) { padding: 0 16px; }
.launcher:focus-visible { outline: 3px solid #9bb8ff; outline-offset: 3px; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; padding: 0 5px; box-sizing: border-box; border-radius: 10px;
  background: #d62d20; color: #fff; font: 600 12px/20px system-ui, sans-serif; text-align: center; }
.badge[hidden] { display: none; }
.panel { position: absolute; right: 0; bottom: 72px; width: 370px; height: 560px; max-height: calc(100vh - 110px); border-radius: 12px;
  overflow: hidden; box-shadow: 0 10px 40px rgba(0,0,0,.28); background: #fff; }
.panel[hidden] { display: none; }
:host([data-left]) .panel { right: auto; left: 0; }
iframe { border: 0; width: 100%; height: 100%; display: block; color-scheme: normal; }
@media (max-width: 480px) {
  .panel { position: fixed; inset: 0; width: auto; height: auto !important; max-height: none; border-radius: 0; }
  :host([data-open]) .launcher { display: none; }
}
`;

// Icon paths; the loader builds the SVG with DOM calls (no innerHTML, so a
// host page that enforces Trusted Types still works).
export const CHAT_ICON =
  'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z';
export const CLOSE_ICON =
  'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z';

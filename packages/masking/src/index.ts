// @parley/masking: card numbers and other secrets masked before anything
// stores or shows them. Pure (one dependency: re2js, the linear-time engine of custom rules);
// runs in Node and the browser.
export { maskText } from './mask-text';
export { createConversationMasker } from './conversation';
export type { ConversationMasker } from './conversation';
export { validateCustomRule, CUSTOM_RULE_MAX_INPUT } from './custom-rules';
export type { CustomRuleCheck } from './custom-rules';
export { luhnValid } from './digits';
export { DEFAULT_MASK_OPTIONS, PCI_FLOOR_RULES, RULE_IDS } from './types';
export type {
  CustomRule,
  Finding,
  FindingType,
  MaskOptions,
  MaskResult,
  PanDisplay,
  ProcessResult,
  Redaction,
  RuleId,
} from './types';
export {
  EMPTY_SENDER_STATE,
  HOLD_WINDOW,
  isEmptyState,
  maskWithState,
  parseSenderState,
  renderHeld,
} from './hold';
export type { HeldRange, HoldResult, PieceState, SenderMaskState } from './hold';
export { compileOptions } from './scan';
export type { Compiled } from './scan';

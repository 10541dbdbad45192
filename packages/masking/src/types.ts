// Public option and result types of the masker, and the defaults.

/** Every built-in rule an organisation can switch on or off. */
export const RULE_IDS = [
  'pan',
  'cvv',
  'expiry',
  'iban',
  'ssn',
  'uk_nino',
  'email',
  'phone',
  'aws_access_key',
  'github_token',
  'stripe_key',
  'slack_token',
  'google_api_key',
  'openai_key',
  'npm_token',
  'jwt',
  'private_key',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/**
 * Rules no organisation can switch off: card data must never be stored readable (PCI DSS 3.3.1:
 * no sensitive authentication data, such as the CVV, after authorisation; 3.4.1: the card number
 * masked when displayed, at most BIN and last four). An organisation chooses only the display.
 */
export const PCI_FLOOR_RULES = ['pan', 'cvv', 'expiry'] as const satisfies readonly RuleId[];

/**
 * How much of a card number stays visible. PCI DSS 3.4.1 allows at most the
 * BIN (first six) and the last four; the default shows only the last four.
 */
export type PanDisplay = 'last4' | 'bin_last4' | 'none';

/** An organisation's own pattern, checked by `validateCustomRule` on save. */
export interface CustomRule {
  /** Stable id, `[a-z0-9_-]{1,40}`; findings report it as `custom:<id>`. */
  readonly id: string;
  /** JavaScript regular expression source, without slashes. */
  readonly pattern: string;
  /** Subset of `i`, `m`, `s`, `u`. The masker adds `g` itself. */
  readonly flags?: string;
  /** Shown in the placeholder: `[<label> hidden]`. Defaults to "secret". */
  readonly label?: string;
}

export interface MaskOptions {
  /** Rules switched on (true) or off (false); unlisted rules keep their default. */
  readonly rules?: Readonly<Partial<Record<RuleId, boolean>>>;
  readonly panDisplay?: PanDisplay;
  readonly customRules?: readonly CustomRule[];
  /** Longer texts are refused (the masker throws). Default 1 MiB of UTF-16 units. */
  readonly maxTextLength?: number;
}

/**
 * Finding type: a rule id, or `custom:<id>` for an organisation's rule.
 * `api_key` and `token` are reported for an `[API key hidden]` or
 * `[token hidden]` placeholder met again, whose rule is no longer known.
 */
export type FindingType = RuleId | 'api_key' | 'token' | 'held' | `custom:${string}`;

/**
 * Where something was masked. Offsets are UTF-16 indices into the returned
 * (masked) text and cover the placeholder. A finding never holds the value.
 */
export interface Finding {
  readonly type: FindingType;
  readonly start: number;
  readonly end: number;
}

export interface MaskResult {
  readonly text: string;
  readonly findings: Finding[];
}

export interface Redaction<R> {
  readonly ref: R;
  readonly text: string;
  readonly findings: Finding[];
}

export interface ProcessResult<R> extends MaskResult {
  /** Earlier messages of the same sender whose text must now be replaced. */
  readonly redacted: Array<Redaction<R>>;
}

const DEFAULT_RULES: Readonly<Record<RuleId, boolean>> = {
  pan: true,
  cvv: true,
  expiry: true,
  iban: true,
  ssn: true,
  uk_nino: true,
  email: false,
  phone: false,
  aws_access_key: true,
  github_token: true,
  stripe_key: true,
  slack_token: true,
  google_api_key: true,
  openai_key: true,
  npm_token: true,
  jwt: true,
  private_key: true,
};

/** The defaults: every rule on except e-mail and phone, last four shown. */
export const DEFAULT_MASK_OPTIONS: Readonly<
  Required<Omit<MaskOptions, 'rules'>> & { rules: Readonly<Record<RuleId, boolean>> }
> = Object.freeze({
  rules: Object.freeze({ ...DEFAULT_RULES }),
  panDisplay: 'last4',
  customRules: Object.freeze([]),
  maxTextLength: 1 << 20,
});

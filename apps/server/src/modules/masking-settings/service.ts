import {
  DEFAULT_MASK_OPTIONS,
  PCI_FLOOR_RULES,
  RULE_IDS,
  maskText,
  validateCustomRule,
  type CustomRule,
  type MaskOptions,
} from '@parley/masking';
import {
  MaskingRuleTestInputSchema,
  MaskingSettingsInputSchema,
  ParleyError,
  type CustomMaskingRule,
  type MaskingRuleTestResult,
  type MaskingSettings,
  type MaskingSettingsInput,
} from '@parley/protocol';
import type { Bus } from '../../bus';
import { audit } from '../audit';
import { can, type AgentActor } from '../auth';
import type { Logger } from '../../logger';
import type { Store } from '../../store';

/** Bus topic on which a node announces that an organisation's masking settings changed. */
export const MASKING_SETTINGS_TOPIC = 'masking-settings';
/** A node rereads settings at least this often even if a change event was lost. */
const TTL_MS = 60_000;

interface Cached {
  settings: MaskingSettings;
  options: MaskOptions;
  loadedAt: number;
}

/** Who saves settings, and from where (the audit entry's actor and origin). */
export interface SettingsChangeBy {
  actor: AgentActor;
  agentId: string;
  orgId: string;
  ip: string | null;
}

export interface MaskingSettingsService {
  get(orgId: string): Promise<MaskingSettings>;
  /**
   * Checks settings:manage, validates and stores, with its audit entry in the same transaction;
   * throws forbidden, or invalid_masking_rule naming the rule and the reason.
   */
  save(by: SettingsChangeBy, input: unknown): Promise<MaskingSettings>;
  /**
   * Masks sample text with the organisation's settings plus a candidate custom rule (validated
   * like a saved one); nothing is stored. Throws invalid_masking_rule for a refused rule.
   */
  tryRule(orgId: string, input: unknown): Promise<MaskingRuleTestResult>;
  /** Options for the masker (synchronous, from the cache); undefined until `ready(orgId)` loaded them. */
  optionsFor(orgId: string): MaskOptions | undefined;
  /** Loads the organisation's settings into the cache when missing or older than the TTL. */
  ready(orgId: string): Promise<void>;
  /** Subscribes to change events of other nodes. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULTS: MaskingSettings = {
  rules: { ...DEFAULT_MASK_OPTIONS.rules },
  panDisplay: DEFAULT_MASK_OPTIONS.panDisplay,
  customRules: [],
  version: 0,
  updatedAt: null,
};

function toOptions(s: MaskingSettings): MaskOptions {
  const customRules: CustomRule[] = s.customRules.map((r) => ({
    id: r.id,
    pattern: r.pattern,
    ...(r.flags !== undefined && r.flags !== '' ? { flags: r.flags } : {}),
    ...(r.label !== undefined && r.label !== '' ? { label: r.label } : {}),
  }));
  return { rules: s.rules, panDisplay: s.panDisplay, customRules };
}

const FLOOR: ReadonlySet<string> = new Set(PCI_FLOOR_RULES);

/**
 * Stored document (or input) merged over the defaults; unknown rule ids are dropped, and the PCI
 * floor (card number, CVV, expiry) is always on, whatever an older document says.
 */
function normalise(
  doc: MaskingSettingsInput,
  version: number,
  updatedAt: number | null,
): MaskingSettings {
  const rules: Record<string, boolean> = { ...DEFAULTS.rules };
  for (const id of RULE_IDS) {
    const v = doc.rules?.[id];
    if (v !== undefined) rules[id] = v;
  }
  for (const id of PCI_FLOOR_RULES) rules[id] = true;
  return {
    rules,
    panDisplay: doc.panDisplay ?? DEFAULTS.panDisplay,
    customRules: doc.customRules ?? [],
    version,
    updatedAt,
  };
}

/** Throws invalid_masking_rule naming the rule and the reason. */
function checkRule(rule: CustomMaskingRule): CustomRule {
  const candidate: CustomRule = {
    id: rule.id,
    pattern: rule.pattern,
    ...(rule.flags ? { flags: rule.flags } : {}),
    ...(rule.label ? { label: rule.label } : {}),
  };
  const check = validateCustomRule(candidate);
  if (!check.ok)
    throw new ParleyError('invalid_masking_rule', `Custom rule "${rule.id}": ${check.reason}.`);
  return candidate;
}

/**
 * Per-organisation masking settings: read from the store, cached per node,
 * refreshed on a bus event when any node saves, and at least every minute.
 */
export function createMaskingSettingsService(deps: {
  store: Store;
  bus: Bus;
  log: Logger;
}): MaskingSettingsService {
  const cache = new Map<string, Cached>();
  let unsubscribe: (() => void) | undefined;

  async function load(orgId: string): Promise<Cached> {
    const row = await deps.store.maskingSettings.get(orgId);
    let settings = DEFAULTS;
    if (row)
      settings = normalise(
        MaskingSettingsInputSchema.parse(JSON.parse(row.settings)),
        row.version,
        row.updatedAt,
      );
    // One options object per version: the masker compiles it once (its cache is keyed by the object).
    const prev = cache.get(orgId);
    const options =
      prev && prev.settings.version === settings.version ? prev.options : toOptions(settings);
    const entry = { settings, options, loadedAt: Date.now() };
    cache.set(orgId, entry);
    return entry;
  }

  return {
    async get(orgId) {
      return (await load(orgId)).settings;
    },

    async save(by, input) {
      const { orgId, agentId } = by;
      if (!can(by.actor, 'settings:manage', { orgId })) throw new ParleyError('forbidden');
      const body = MaskingSettingsInputSchema.parse(input);
      for (const id of Object.keys(body.rules ?? {}))
        if (!(RULE_IDS as readonly string[]).includes(id))
          throw new ParleyError('invalid_masking_rule', `There is no built-in rule "${id}".`);
      for (const [id, on] of Object.entries(body.rules ?? {}))
        if (FLOOR.has(id) && !on)
          throw new ParleyError(
            'invalid_masking_rule',
            `"${id}" cannot be switched off: card numbers, CVVs and expiry dates are always hidden (PCI DSS 3.3.1, 3.4.1). Choose how much of a card is shown instead.`,
          );
      const ids = new Set<string>();
      for (const rule of body.customRules ?? []) {
        if (ids.has(rule.id))
          throw new ParleyError('invalid_masking_rule', `Two custom rules are named "${rule.id}".`);
        ids.add(rule.id);
        checkRule(rule);
      }
      const current = await load(orgId);
      const merged = normalise(
        {
          rules: { ...current.settings.rules, ...body.rules },
          panDisplay: body.panDisplay ?? current.settings.panDisplay,
          customRules: body.customRules ?? current.settings.customRules,
        },
        0,
        null,
      );
      const doc = JSON.stringify({
        rules: merged.rules,
        panDisplay: merged.panDisplay,
        customRules: merged.customRules,
      });
      const { store } = deps;
      await store.transaction(async (tx) => {
        const row = await store.maskingSettings.put(orgId, doc, agentId, Date.now(), tx);
        // Rule ids and counts only: a custom pattern may describe what the organisation considers secret.
        const off = Object.entries(merged.rules)
          .filter(([, on]) => !on)
          .map(([id]) => id)
          .sort()
          .join(',');
        await audit.record(
          store,
          {
            orgId,
            actor: { kind: 'agent', id: agentId },
            action: 'settings.masking_change',
            outcome: 'success',
            ip: by.ip,
            resource: { type: 'masking_settings', id: orgId },
            detail: {
              rulesOff: off,
              panDisplay: merged.panDisplay,
              customRules: merged.customRules.length,
              version: row.version,
              previousVersion: current.settings.version,
            },
          },
          tx,
        );
        tx.afterCommit(() =>
          deps.bus.publish(MASKING_SETTINGS_TOPIC, {
            audience: 'all',
            frame: JSON.stringify({ orgId }),
          }),
        );
      });
      return (await load(orgId)).settings;
    },

    async tryRule(orgId, input) {
      const { rule, text } = MaskingRuleTestInputSchema.parse(input);
      const candidate = checkRule(rule);
      const current = (await load(orgId)).options;
      const others = (current.customRules ?? []).filter((r) => r.id !== candidate.id);
      // Masked with everything the organisation masks, so a card in the sample is hidden too.
      const result = maskText(text, { ...current, customRules: [...others, candidate] });
      return {
        text: result.text,
        findings: result.findings.map((f) => ({ type: f.type, start: f.start, end: f.end })),
      };
    },

    optionsFor(orgId) {
      const entry = cache.get(orgId);
      if (entry && Date.now() - entry.loadedAt > TTL_MS) {
        // Stale: keep using it for this message and refresh in the background.
        entry.loadedAt = Date.now();
        load(orgId).catch((err: unknown) =>
          deps.log.warn(
            { orgId, err: err instanceof Error ? err.name : 'unknown' },
            'masking settings reload failed',
          ),
        );
      }
      return entry?.options;
    },

    async ready(orgId) {
      if (!cache.has(orgId)) await load(orgId);
    },

    async start() {
      unsubscribe = await deps.bus.subscribe(MASKING_SETTINGS_TOPIC, (event) => {
        let orgId: unknown;
        try {
          orgId = (JSON.parse(event.frame) as { orgId?: unknown }).orgId;
        } catch {
          return;
        }
        if (typeof orgId === 'string' && cache.has(orgId))
          load(orgId).catch((err: unknown) =>
            deps.log.warn(
              { orgId, err: err instanceof Error ? err.name : 'unknown' },
              'masking settings reload failed',
            ),
          );
      });
    },

    async stop() {
      unsubscribe?.();
    },
  };
}

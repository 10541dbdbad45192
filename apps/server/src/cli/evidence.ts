import { createHmac, createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { detectBrand, luhnValid } from '@parley/protocol/card';
import { maskText, PCI_FLOOR_RULES, RULE_IDS } from '@parley/masking';
import type { Config } from '../config';
import { storeOptionsFor } from '../main';
import { createStore, type Store } from '../store';
import { auditVerifyOptions, readCheckpoints, verifyAudit } from '../modules/audit';
import { checkpointFileOf } from '../modules/audit';
import { bindKeyring, loadDataKeks, loadKeyring } from '../modules/security';
import { VERSION } from '../version';
import type { DoctorCheck } from './doctor';
import { redactedConfig, retentionFacts } from './doctor-retention';

/** Files of the data directory a card scan never reads: keys are random bytes, not data. */
const KEY_FILES = /\.key$/;
/** 13–19 ASCII digits, alone or grouped by single spaces or dashes, not inside a longer number. */
const DIGIT_RUN = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])/g;
const PAGE = 500;
/** Only the card rules: a stored text they would change still holds card data in clear. */
const CARD_ONLY = {
  rules: Object.fromEntries(
    RULE_IDS.map((r) => [r, (PCI_FLOOR_RULES as readonly string[]).includes(r)]),
  ),
};

interface RawHit {
  file: string;
  offset: number;
  brand: string;
  last4: string;
}

/** Looks for Luhn-valid numbers of a card brand in the raw bytes of every data file (SQLite, WAL, files). */
export function scanFilesForCards(dataDir: string): {
  files: number;
  bytes: number;
  hits: RawHit[];
} {
  const hits: RawHit[] = [];
  let files = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && !KEY_FILES.test(name)) {
        files += 1;
        bytes += st.size;
        const text = readFileSync(path).toString('latin1');
        for (const m of text.matchAll(DIGIT_RUN)) {
          const digits = m[0].replace(/[ -]/g, '');
          const brand = detectBrand(digits);
          if (brand !== 'unknown' && luhnValid(digits))
            hits.push({
              file: relative(dataDir, path),
              offset: m.index,
              brand,
              last4: digits.slice(-4),
            });
        }
      }
    }
  };
  walk(dataDir);
  return { files, bytes, hits };
}

/** Decrypts every stored message and runs the masker's detector over it: a card found is a leak. */
async function scanMessagesForCards(store: Store) {
  const conversations = await store.db
    .selectFrom('messages')
    .select(['org_id', 'conversation_id'])
    .distinct()
    .execute();
  let messages = 0;
  const leaks: { conversationId: string; seq: number; findings: string[] }[] = [];
  for (const c of conversations) {
    for (let after = 0; ;) {
      const page = await store.messages.after(c.org_id, c.conversation_id, after, PAGE);
      for (const m of page) {
        messages += 1;
        // Masked text is a fixed point of the masker; one it would still change leaks.
        const again = maskText(m.text, CARD_ONLY);
        if (again.text !== m.text)
          leaks.push({
            conversationId: c.conversation_id,
            seq: m.seq,
            findings: [...new Set(again.findings.map((f) => f.type))],
          });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]?.seq ?? after;
    }
  }
  return { conversations: conversations.length, messages, leaks };
}

async function agentsEvidence(store: Store) {
  const out = [];
  for (const org of await store.orgs.list()) {
    const agents = [];
    for (const a of await store.agents.list(org.id)) {
      const mfa = await store.security.mfa(org.id, a.id);
      const passkeys = await store.identity.passkeys(org.id, a.id);
      agents.push({
        id: a.id,
        email: a.email,
        name: a.name,
        role: a.role,
        active: a.active,
        factors: { totp: Boolean(mfa?.enabledAt), passkeys: passkeys.length },
      });
    }
    out.push({ organisation: { id: org.id, name: org.name }, agents });
  }
  return out;
}

async function policyEvidence(store: Store) {
  const out = [];
  for (const org of await store.orgs.list()) {
    const current = await store.security.settings(org.id);
    const history = (await store.audit.list(org.id, { limit: 1000 }))
      .filter((e) => e.action.startsWith('settings.'))
      .map((e) => ({
        seq: e.seq,
        at: e.at,
        action: e.action,
        actorId: e.actorId,
        detail: e.detail,
      }));
    out.push({
      organisation: { id: org.id, name: org.name },
      current: {
        mfaPolicy: current.mfaPolicy,
        ipAllowlist: current.ipAllowlist,
        idleMinutes: current.idleMinutes,
      },
      history,
    });
  }
  return out;
}

/**
 * `parley doctor --evidence DIR` (issue 17 item 8): a PCI DSS / GDPR evidence
 * bundle for an assessor. JSON files (the doctor's checks, agents with roles
 * and factors, security policy and its history from the audit log, the audit
 * chain's verification, a card scan of the stores) and a manifest with the
 * SHA-256 of each file, signed with the audit key (HMAC) so that an edit
 * after the fact shows. Nothing in it is a secret: no key, token, password
 * hash or message text; card hits are shown by brand and last four only.
 */
export async function writeEvidence(
  cfg: Config,
  dir: string,
  checks: readonly DoctorCheck[],
): Promise<{ files: string[]; leaks: number }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = await createStore(storeOptionsFor(cfg));
  try {
    store.dataKeys.useKeks(loadDataKeks(cfg));
    const keyring = loadKeyring(cfg);
    bindKeyring(store, keyring);
    const verification = await verifyAudit(store, auditVerifyOptions(cfg));
    const checkpoints = readCheckpoints(checkpointFileOf(cfg), keyring.auditKey).checkpoints;
    const stored = await scanMessagesForCards(store);
    const raw = cfg.databaseUrl ? null : scanFilesForCards(cfg.dataDir);
    const bundle: Record<string, unknown> = {
      'doctor.json': { checks },
      'agents.json': await agentsEvidence(store),
      'security-policy.json': await policyEvidence(store),
      'retention.json': await retentionFacts(store),
      'config.json': redactedConfig(cfg),
      'audit-verification.json': {
        ok: verification.ok,
        chains: verification.chains,
        entries: verification.entries,
        problems: verification.problems,
        checkpoints: checkpoints.length,
        newestCheckpointAt: checkpoints.length ? Math.max(...checkpoints.map((c) => c.at)) : null,
      },
      'card-scan.json': {
        storedMessages: stored,
        rawFiles: raw ?? 'not applicable: PostgreSQL (the store is scanned through its rows above)',
      },
    };
    const files = Object.keys(bundle);
    const manifest = {
      parley: VERSION,
      generatedAt: new Date().toISOString(),
      dialect: store.dialect,
      files: files.map((name) => {
        const body = `${JSON.stringify(bundle[name], null, 2)}\n`;
        writeFileSync(join(dir, name), body, { mode: 0o600 });
        return { name, sha256: createHash('sha256').update(body).digest('hex') };
      }),
    };
    const signed = JSON.stringify(manifest, null, 2);
    const hmac = createHmac('sha256', keyring.auditKey).update(signed).digest('hex');
    writeFileSync(join(dir, 'manifest.json'), `${signed}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'manifest.hmac'), `${hmac}\n`, { mode: 0o600 });
    const leaks = stored.leaks.length + (raw?.hits.length ?? 0);
    return { files: [...files, 'manifest.json', 'manifest.hmac'], leaks };
  } finally {
    await store.close();
  }
}

import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import { requestFacts } from '../../lib/request-context';
import { safeEqual } from '../../lib/tokens';
import { ipAllowed, type SecurityEvents } from '../security';
import { can, type Permission } from './policy';
import type { AgentContext, AuthService } from './service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ADMIN_ONLY = new Set<Permission>([
  'agent:manage',
  'settings:manage',
  'audit:read',
  'api_token:manage',
]);

export interface AdmissionRequest {
  transport: 'http' | 'socket';
  /** The session token from the cookie. */
  token: string | undefined;
  ip: string;
  method: string;
  origin: string | undefined;
  /** The X-CSRF-Token header (HTTP writes). */
  csrfToken?: string | undefined;
  /** 'any': also a session that has not finished signing in (the sign-in routes themselves). */
  stage?: 'ok' | 'any';
  permission?: Permission | undefined;
  /** Also a session locked by the idle timeout (unlock, sign-out, session, waiting count). */
  allowLocked?: boolean | undefined;
  /** For security events: the route or 'socket'. */
  route: string;
  /** An `Authorization: Bearer` API token (HTTP only); when present it alone decides. */
  bearer?: string | undefined;
}

/** API tokens as the admission sees them (modules/api-tokens, injected to keep the modules apart). */
export interface TokenAdmission {
  authenticate(secret: string, ip: string): Promise<AgentContext | undefined>;
  /** The permission a token needs on the route; undefined: the route takes no token. */
  scopeFor(
    method: string,
    route: string,
    permission: Permission | undefined,
  ): Permission | undefined;
}

export type Admission = (request: AdmissionRequest) => Promise<AgentContext>;

/**
 * The ONE decision whether an agent request may proceed (CONVENTIONS.md "One
 * admission"), used by the HTTP hooks and the WebSocket upgrade alike:
 *
 * 1. a socket must come from one of the server's own origins (cross-site
 *    WebSocket hijacking: the cookie would ride along);
 * 2. a valid, live session (idle and absolute timeouts);
 * 3. an HTTP write carries the session's CSRF token and, when the browser
 *    sends one, a same-origin Origin header;
 * 4. an address on the organisation's allowlist;
 * 5. an unlocked session (the idle lock) unless `allowLocked`;
 * 6. a finished sign-in (second factor, password change) unless `stage: 'any'`;
 * 7. the permission the route needs.
 */
export function createAdmission(deps: {
  auth: AuthService;
  store: Store;
  events: SecurityEvents;
  selfOrigins: ReadonlySet<string>;
  /** The organisation's "phishing-resistant factor for admins" rule (./passkeys.ts); true: may go on. */
  phishingResistantOk?: (ctx: AgentContext) => Promise<boolean>;
  apiTokens?: TokenAdmission;
}): Admission {
  const allowlisted = async (ctx: AgentContext, req: AdmissionRequest) => {
    const settings = await deps.store.security.settings(ctx.agent.orgId);
    if (ipAllowed(settings.ipAllowlist, req.ip)) return;
    await deps.events.emit(ctx.agent.orgId, 'ip_blocked', {
      agentId: ctx.agent.id,
      ip: req.ip,
      detail: req.transport === 'socket' ? { at: 'socket' } : { route: req.route },
    });
    throw new ParleyError('ip_not_allowed');
  };

  /**
   * A bearer token: no cookie rides along, so no CSRF check; the allowlist
   * applies; the route must take tokens and the token hold its permission.
   */
  const admitToken = async (req: AdmissionRequest, secret: string): Promise<AgentContext> => {
    if (req.transport !== 'http' || !deps.apiTokens) throw new ParleyError('unauthorized');
    const ctx = await deps.apiTokens.authenticate(secret, req.ip);
    if (!ctx) {
      await deps.events.emit('', 'session_forged', {
        ip: req.ip,
        detail: { reason: 'api_token', route: req.route },
      });
      throw new ParleyError('api_token_invalid');
    }
    const needed = deps.apiTokens.scopeFor(req.method, req.route, req.permission);
    if (!needed) throw new ParleyError('api_token_not_allowed');
    await allowlisted(ctx, req);
    if (!can(ctx.actor, needed, { orgId: ctx.agent.orgId })) throw new ParleyError('forbidden');
    const facts = requestFacts();
    if (facts && ctx.apiToken) facts.apiToken = { id: ctx.apiToken.id };
    return ctx;
  };

  return async (req) => {
    if (req.bearer !== undefined) return admitToken(req, req.bearer);
    if (req.transport === 'socket' && (!req.origin || !deps.selfOrigins.has(req.origin)))
      throw new ParleyError('origin_not_allowed');
    const ctx = await deps.auth.authenticate(req.token, { ip: req.ip });
    if (!ctx) throw new ParleyError('unauthorized');
    if (req.transport === 'http' && !SAFE_METHODS.has(req.method)) {
      if (
        (req.origin !== undefined && !deps.selfOrigins.has(req.origin)) ||
        typeof req.csrfToken !== 'string' ||
        !safeEqual(req.csrfToken, ctx.session.csrfToken)
      ) {
        await deps.events.emit(ctx.agent.orgId, 'session_forged', {
          agentId: ctx.agent.id,
          ip: req.ip,
          detail: { reason: 'csrf', route: req.route },
        });
        throw new ParleyError('csrf_failed');
      }
    }
    await allowlisted(ctx, req);
    // A locked console gets no data (issue 10 item 15), only what unlocks it or tells of new chats.
    if (ctx.locked && req.allowLocked !== true) throw new ParleyError('session_locked');
    if (req.stage !== 'any' && ctx.stage !== 'ok')
      throw new ParleyError(
        ctx.stage === 'password_change' ? 'password_change_required' : 'mfa_required',
      );
    if (req.permission && !can(ctx.actor, req.permission, { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
    // 7. admin actions from a session that proved a passkey, when the organisation asks for it.
    if (
      req.permission &&
      ADMIN_ONLY.has(req.permission) &&
      deps.phishingResistantOk &&
      !(await deps.phishingResistantOk(ctx))
    )
      throw new ParleyError('phishing_resistant_required');
    return ctx;
  };
}

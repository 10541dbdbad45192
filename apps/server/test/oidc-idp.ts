import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real, certified OpenID provider (`oidc-provider`) on loopback (port 0) for
 * SSO tests. Its login form is a plain HTML form the test submits over HTTP;
 * the login result carries each account's `amr`, as an IdP that did MFA would.
 */
export interface IdpAccount {
  password: string;
  email: string;
  name: string;
  groups: string[];
  amr: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  provider: Provider;
  accounts: Map<string, IdpAccount>;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<URLSearchParams>((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });

export async function startTestIdp(opts: {
  redirectUri: string;
  backchannelLogoutUri: string;
}): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  const clientId = 'parley';
  const clientSecret = 'idp-test-client-secret-0123456789';
  const http: Server = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const config: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        backchannel_logout_uri: opts.backchannelLogoutUri,
        backchannel_logout_session_required: true,
      },
    ],
    pkce: { required: () => true },
    // The provider refuses loopback targets for its own requests (SSRF guard);
    // this test's Parley is on loopback, so its logout POST goes out unguarded.
    fetch: (url, options) => {
      const { dispatcher: _guard, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return fetch(url, rest);
    },
    cookies: { keys: ['oidc-test-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
    },
    claims: {
      amr: null,
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
      openid: ['sub', 'amr', 'acr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: false,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const a = accounts.get(id);
      if (!a) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: a.email,
          email_verified: true,
          name: a.name,
          groups: a.groups,
        }),
      };
    },
    // Consent is implied for the one first-party client.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  provider.on('server_error', () => undefined);
  const callback = provider.callback();
  http.on('request', (req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) {
      void callback(req, res);
      return;
    }
    void (async () => {
      try {
        await provider.interactionDetails(req, res);
        if (req.method === 'GET') {
          res.setHeader('content-type', 'text/html');
          res.end(
            `<!doctype html><form method="post" action="/interaction/${m[1]}/login">` +
              `<input name="login"><input name="password" type="password"><button>Sign in</button></form>`,
          );
          return;
        }
        const form = await readBody(req);
        const login = form.get('login') ?? '';
        const account = accounts.get(login);
        if (!account || account.password !== form.get('password')) {
          res.statusCode = 401;
          res.end('wrong password');
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: login, amr: account.amr } },
          { mergeWithLastSubmission: false },
        );
      } catch {
        res.statusCode = 400;
        res.end('interaction failed');
      }
    })();
  });
  return {
    issuer,
    clientId,
    clientSecret,
    provider,
    accounts,
    close: () => new Promise<void>((r) => http.close(() => r())),
  };
}

/** A browser-like HTTP walker: a cookie jar per host, redirects followed by hand. */
export class Browser {
  private jar = new Map<string, Map<string, string>>();

  cookieFor(url: string): string {
    const host = new URL(url).host;
    return [...(this.jar.get(host) ?? new Map<string, string>()).entries()]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  private keep(url: string, res: Response) {
    const host = new URL(url).host;
    const jar = this.jar.get(host) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i < 0) continue;
      const value = pair.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '')
        jar.delete(pair.slice(0, i));
      else jar.set(pair.slice(0, i), value);
    }
    this.jar.set(host, jar);
  }

  /** Fetches `url`, following redirects until `stop(url)` or a non-redirect; returns the last response and its URL. */
  async go(
    url: string,
    init: RequestInit = {},
    stop: (u: string) => boolean = () => false,
  ): Promise<{ res: Response; url: string }> {
    let current = url;
    let req: RequestInit = init;
    for (let hops = 0; hops < 20; hops++) {
      const res = await fetch(current, {
        ...req,
        redirect: 'manual',
        headers: { ...(req.headers as Record<string, string>), cookie: this.cookieFor(current) },
      });
      this.keep(current, res);
      const loc = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !loc) return { res, url: current };
      current = new URL(loc, current).toString();
      if (stop(current)) return { res, url: current };
      req = {};
    }
    throw new Error('too many redirects');
  }
}

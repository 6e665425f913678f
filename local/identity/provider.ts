/**
 * A real OpenID Connect provider (`oidc-provider`) standing in for one of the two
 * directories (decision 1000): Entra External ID for residents, or the council's Entra ID
 * for staff (`population: 'workforce'`). The local stack runs one of each, on their own
 * ports. Each serves discovery, JWKS, authorization code + PKCE with a dev sign-in page,
 * and RS256 JWT access tokens for the Doorstep API shaped as Entra's v2.0 ones: `oid`
 * (the subject Doorstep reads), `tid`, and a `roles` claim as app roles are.
 *
 * For scripts and tests it also accepts a local-only grant type,
 * `urn:doorstep:params:grant-type:dev-token`, that issues the same access token
 * for a named subject and roles through the provider's own token machinery
 * (`npm run token -- --sub alice --role resident`). With `app=1` it mints an app-only
 * token instead (decision 1103), so tests can prove which app tokens are refused.
 *
 * The workforce issuer also serves the client credentials grant, as Entra does, for
 * the council's own applications (`localAppClients`): the records system signs in as
 * itself with its client id and secret and gets an app-only token shaped as Entra's
 * v2.0 ones: `idtyp: app`, its app roles in `roles`, `sub` = `oid` = its service
 * principal, `azp` its client id, and no `scp`.
 */
import { generateKeyPair, exportJWK } from 'jose';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';
import { devAccount, type Role } from './dev-accounts.js';
import { suspendableServer, type Suspendable } from '../outage.js';

export const devTokenGrantType = 'urn:doorstep:params:grant-type:dev-token';
export const devCliClient = { id: 'doorstep-dev-cli', secret: 'local-only-not-a-secret' } as const;
export const webSiteClient = { id: 'doorstep-web-site', secret: 'local-only-web-site-secret' } as const;
/** The staff pages' sign-in at the workforce issuer: a confidential client, as its Entra app registration is. */
export const staffWebClient = { id: 'doorstep-staff-web', secret: 'local-only-staff-web-secret' } as const;
/**
 * The council's own applications in the local workforce directory: each signs in with the
 * client credentials grant. `oid` stands for its service principal's object id (locally the
 * same name as RECORDS_SYSTEM_PRINCIPAL in local/stack.ts) and `roles` for the app roles
 * an administrator granted it on the Doorstep API.
 */
export const localAppClients = {
  recordsSystem: {
    id: 'doorstep-records-system',
    secret: 'local-only-records-system-secret',
    oid: 'records-system',
    roles: ['Records.Fetch'],
  },
} as const;
/** App roles the local directories may put in an app-only token (decision 1103). */
const appRoleSet = new Set<string>(Object.values(localAppClients).flatMap((c) => c.roles));
/** The local directories' tenant ids (made up; Entra's are GUIDs like these). */
export const localTenants = {
  resident: '3f0c2a91-7d4e-4b6a-9c1f-5e8d2b7a0c41',
  workforce: '8b2e6d40-1c9a-4f37-a5d2-0e6f4b9c7a13',
} as const;

export interface IdentityProviderOptions {
  readonly port?: number;
  readonly host?: string;
  readonly audience: string;
  /** Which directory this stands in for (default resident). */
  readonly population?: 'resident' | 'workforce';
  /** Where the dev web client may return after sign-in. */
  readonly redirectUris?: readonly string[];
}

export interface IdentityProvider extends Suspendable {
  readonly issuer: string;
  readonly port: number;
  close(): Promise<void>;
}

const roleSet = new Set<Role>(['resident', 'staff', 'admin', 'moderator', 'finance', 'councillor', 'operator']);

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  const population = options.population ?? 'resident';
  const tenantId = localTenants[population];
  // Listen first so the issuer URL carries the real port.
  const { createServer } = await import('node:http');
  const ready: {
    handle?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
  } = {};
  const server: Server = createServer((req, res) => {
    if (ready.handle) ready.handle(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: `local-${Date.now().toString(36)}`,
    alg: 'RS256',
    use: 'sig',
  };
  const resourceServer = {
    scope: 'doorstep',
    audience: options.audience,
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: 60 * 60,
    jwt: { sign: { alg: 'RS256' as const } },
  };

  const devCli: ClientMetadata = {
    client_id: devCliClient.id,
    client_secret: devCliClient.secret,
    grant_types: [devTokenGrantType],
    redirect_uris: [],
    response_types: [],
  };
  const workforceClients: ClientMetadata[] = [
    {
      // The staff pages of the website (web/staff): their own app registration in the workforce tenant.
      client_id: staffWebClient.id,
      client_secret: staffWebClient.secret,
      token_endpoint_auth_method: 'client_secret_basic',
      // "native" only so that any loopback port matches (RFC 8252 §7.3): tests run the site on a free port.
      application_type: 'native',
      redirect_uris: ['127.0.0.1', 'localhost'].flatMap((h) =>
        ['/staff/auth/callback', '/staff/callback', '/staff/sign-in/callback'].map((path) => `http://${h}${path}`),
      ),
      post_logout_redirect_uris: ['127.0.0.1', 'localhost'].flatMap((h) =>
        ['/staff/signed-out', '/staff/sign-in', '/signed-out'].map((path) => `http://${h}${path}`),
      ),
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    devCli,
    ...Object.values(localAppClients).map((app): ClientMetadata => ({
      client_id: app.id,
      client_secret: app.secret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
  ];
  const appClientById = new Map<string, (typeof localAppClients)[keyof typeof localAppClients]>(
    Object.values(localAppClients).map((app) => [app.id, app]),
  );
  const provider = new Provider(issuer, {
    clients:
      population === 'workforce'
        ? workforceClients
        : [
            {
              client_id: 'doorstep-web',
              token_endpoint_auth_method: 'none',
              redirect_uris: [
                ...(options.redirectUris ?? ['http://127.0.0.1:3000/callback', 'http://localhost:3000/callback']),
              ],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
            },
            {
              // The resident website (web/): a confidential client, as its Entra app registration is.
              client_id: webSiteClient.id,
              client_secret: webSiteClient.secret,
              token_endpoint_auth_method: 'client_secret_basic',
              // "native" only so that any loopback port matches (RFC 8252 §7.3): tests run the site on a free port.
              application_type: 'native',
              redirect_uris: ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback'],
              post_logout_redirect_uris: ['http://127.0.0.1/signed-out', 'http://localhost/signed-out'],
              grant_types: ['authorization_code'],
              response_types: ['code'],
            },
            devCli,
          ],
    jwks: { keys: [signingKey] },
    // Access tokens shaped as Entra's v2.0 ones, so the API is tested against what it will
    // meet: header `typ: JWT` (not RFC 9068's at+jwt), the client as `azp`, delegated
    // scopes as `scp`, `ver` 2.0 (learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
    formats: {
      customizers: {
        jwt: (_ctx, token, jwt) => {
          const { client_id: clientId, scope, ...payload } = jwt.payload as Record<string, unknown>;
          jwt.header = { typ: 'JWT' };
          // An app-only token (client credentials, or the dev grant's app=1): Entra names the
          // app's service principal in both `sub` and `oid`, says `idtyp: app`, and has no `scp`.
          const appOnly =
            (token as { kind?: string }).kind === 'ClientCredentials' ||
            (token as { extra?: { idtyp?: string } }).extra?.idtyp === 'app';
          jwt.payload = {
            ...payload,
            ...(appOnly ? { sub: payload.oid, idtyp: 'app' } : {}),
            ver: '2.0',
            azp: clientId,
            azpacr: clientId === devCliClient.id || appClientById.has(String(clientId)) ? '1' : '0',
            ...(typeof scope === 'string' && !appOnly ? { scp: scope } : {}),
          };
        },
      },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'doorstep'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      // Entra's client credentials grant, for the council's own apps (the workforce directory only).
      clientCredentials: { enabled: population === 'workforce' },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== options.audience) throw new errors.InvalidTarget();
          return resourceServer;
        },
      },
    },
    findAccount: (_ctx, sub) => {
      const account = devAccount(sub);
      return { accountId: sub, claims: () => ({ sub, name: account.name, email: account.email }) };
    },
    extraTokenClaims: (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      const extra = (token as { extra?: { roles?: Role[]; tid?: string; idtyp?: string } }).extra;
      if ((token as { kind?: string }).kind === 'ClientCredentials') {
        const app = appClientById.get(String((token as { clientId?: string }).clientId));
        return app ? { oid: app.oid, tid: tenantId, roles: [...app.roles], idtyp: 'app' } : undefined;
      }
      if (!accountId) return undefined;
      if (extra?.idtyp === 'app')
        return { oid: accountId, tid: extra.tid ?? tenantId, roles: extra.roles ?? [], idtyp: 'app' };
      // The workforce directory assigns no `resident` role: a person without app roles has none.
      const roles =
        extra?.roles ?? devAccount(accountId).roles.filter((r) => population === 'resident' || r !== 'resident');
      // `oid` is the account name locally, so a dev account is the same person in every token.
      // `email` as the optional claim a council adds to the workforce API's tokens (decision 1052);
      // the resident issuer's carries it too, so tests prove the API never reads it from there.
      return { oid: accountId, tid: extra?.tid ?? tenantId, roles, email: devAccount(accountId).email };
    },
    // Resident sessions are short; the dev page is for humans trying the API by hand.
    ttl: {
      AccessToken: 60 * 60,
      ClientCredentials: 60 * 60,
      AuthorizationCode: 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
      Interaction: 60 * 60,
      IdToken: 60 * 60,
      RefreshToken: 24 * 60 * 60,
    },
  });

  provider.registerGrantType(
    devTokenGrantType,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as {
        sub?: string;
        roles?: string;
        tid?: string;
        aud?: string;
        resource?: string;
        app?: string;
      };
      const appOnly = params.app === '1';
      const sub = params.sub?.trim();
      if (!sub || !/^[A-Za-z0-9._@-]{1,128}$/.test(sub))
        throw new errors.InvalidRequest('sub is required (letters, digits, . _ @ -)');
      const requested = (params.roles ?? '').split(/[ ,]+/).filter(Boolean);
      const allowed: ReadonlySet<string> = appOnly ? appRoleSet : roleSet;
      if (requested.some((r) => !allowed.has(r)))
        throw new errors.InvalidRequest(`roles must be among ${[...allowed].join(', ')}`);
      // Tests ask for another tenant to prove it is refused; nothing else should.
      if (params.tid !== undefined && !/^[0-9a-f-]{36}$/.test(params.tid))
        throw new errors.InvalidRequest('tid must be a GUID');
      const roles = appOnly
        ? requested
        : requested.length > 0
          ? (requested as Role[])
          : devAccount(sub).roles.filter((r) => population === 'resident' || r !== 'resident');
      const token = new ctx.oidc.provider.AccessToken({
        accountId: sub,
        client: ctx.oidc.client,
        gty: 'dev-token',
        scope: 'doorstep',
        extra: { roles, ...(params.tid ? { tid: params.tid } : {}), ...(appOnly ? { idtyp: 'app' } : {}) },
      } as never);
      // Likewise another audience (`aud`), to prove a token for another API is refused.
      const audience = params.aud ?? options.audience;
      (token as unknown as { resourceServer: unknown }).resourceServer = new ctx.oidc.provider.ResourceServer(
        audience,
        { ...resourceServer, audience },
      );
      const value = await token.save();
      ctx.body = {
        access_token: value,
        token_type: 'Bearer',
        expires_in: resourceServer.accessTokenTTL,
        scope: 'doorstep',
      };
    },
    ['sub', 'roles', 'tid', 'aud', 'resource', 'app'],
  );
  provider.on('server_error', (_ctx, error) => {
    console.error(`[identity] server error: ${error.message}`);
  });

  const callback = provider.callback();
  ready.handle = (req, res) => {
    void callback(req, res);
  };
  return {
    issuer,
    port,
    ...suspendableServer(server, host, port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Asks the local provider for an access token, over HTTP, as `npm run token` does. */
export async function requestDevToken(
  issuer: string,
  sub: string,
  roles: readonly string[] = [],
  /**
   * Local-only overrides for tests that prove a wrong tenant or audience is refused; `app`
   * mints an app-only token for `sub` with `roles` as app roles (decision 1103).
   */
  options: { readonly tid?: string; readonly aud?: string; readonly app?: boolean } = {},
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: devTokenGrantType,
    sub,
    roles: roles.join(' '),
    ...(options.app ? { app: '1' } : {}),
    ...(options.tid ? { tid: options.tid } : {}),
    ...(options.aud ? { aud: options.aud } : {}),
  });
  const response = await fetch(new URL('token', issuer.replace(/\/?$/, '/')), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${devCliClient.id}:${devCliClient.secret}`).toString('base64')}`,
    },
    body,
  });
  const json = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !json.access_token)
    throw new Error(`token request failed: ${json.error ?? response.status} ${json.error_description ?? ''}`);
  return json.access_token;
}

/**
 * An app-only token by the client credentials grant (RFC 6749 §4.4), as the council's own
 * applications get one from Entra: `POST {issuer}/token` with the app's id and secret.
 */
export async function requestClientCredentialsToken(
  issuer: string,
  client: { readonly id: string; readonly secret: string },
): Promise<string> {
  const response = await fetch(new URL('token', issuer.replace(/\/?$/, '/')), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }),
  });
  const json = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !json.access_token)
    throw new Error(`token request failed: ${json.error ?? response.status} ${json.error_description ?? ''}`);
  return json.access_token;
}

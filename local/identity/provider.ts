/**
 * A real OpenID Connect provider (`oidc-provider`) standing in for Entra External
 * ID: discovery, JWKS, authorization code + PKCE with a dev sign-in page for
 * residents and staff, and RS256 JWT access tokens for the Doorstep API carrying
 * a `roles` claim, as Entra's app roles do.
 *
 * For scripts and tests it also accepts a local-only grant type,
 * `urn:doorstep:params:grant-type:dev-token`, that issues the same access token
 * for a named subject and roles through the provider's own token machinery
 * (`npm run token -- --sub alice --role resident`).
 */
import { generateKeyPair, exportJWK } from 'jose';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { devAccount, type Role } from './dev-accounts.js';
import { suspendableServer, type Suspendable } from '../outage.js';

export const devTokenGrantType = 'urn:doorstep:params:grant-type:dev-token';
export const devCliClient = { id: 'doorstep-dev-cli', secret: 'local-only-not-a-secret' } as const;
export const webSiteClient = { id: 'doorstep-web-site', secret: 'local-only-web-site-secret' } as const;
/** The staff workspace's own client (web/staff), as its workforce app registration is. */
export const staffSiteClient = { id: 'doorstep-staff-site', secret: 'local-only-staff-site-secret' } as const;

export interface IdentityProviderOptions {
  readonly port?: number;
  readonly host?: string;
  readonly audience: string;
  /** Where the dev web client may return after sign-in. */
  readonly redirectUris?: readonly string[];
}

export interface IdentityProvider extends Suspendable {
  readonly issuer: string;
  readonly port: number;
  close(): Promise<void>;
}

const roleSet = new Set<Role>(['resident', 'staff', 'admin', 'moderator', 'finance']);

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const host = options.host ?? '127.0.0.1';
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

  const provider = new Provider(issuer, {
    clients: [
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
      {
        client_id: staffSiteClient.id,
        client_secret: staffSiteClient.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/staff/auth/callback', 'http://localhost/staff/auth/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1/staff/signed-out', 'http://localhost/staff/signed-out'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      {
        client_id: devCliClient.id,
        client_secret: devCliClient.secret,
        grant_types: [devTokenGrantType],
        redirect_uris: [],
        response_types: [],
      },
    ],
    jwks: { keys: [signingKey] },
    // Access tokens shaped as Entra's v2.0 ones, so the API is tested against what it will
    // meet: header `typ: JWT` (not RFC 9068's at+jwt), the client as `azp`, delegated
    // scopes as `scp`, `ver` 2.0 (learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
    formats: {
      customizers: {
        jwt: (_ctx, _token, jwt) => {
          const { client_id: clientId, scope, ...payload } = jwt.payload as Record<string, unknown>;
          jwt.header = { typ: 'JWT' };
          jwt.payload = {
            ...payload,
            ver: '2.0',
            azp: clientId,
            azpacr: clientId === devCliClient.id ? '1' : '0',
            ...(typeof scope === 'string' ? { scp: scope } : {}),
          };
        },
      },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'doorstep'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
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
      const extra = (token as { extra?: { roles?: Role[] } }).extra;
      if (!accountId) return undefined;
      return { roles: extra?.roles ?? [...devAccount(accountId).roles] };
    },
    // Resident sessions are short; the dev page is for humans trying the API by hand.
    ttl: {
      AccessToken: 60 * 60,
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
      const params = ctx.oidc.params as { sub?: string; roles?: string; resource?: string };
      const sub = params.sub?.trim();
      if (!sub || !/^[A-Za-z0-9._@-]{1,128}$/.test(sub))
        throw new errors.InvalidRequest('sub is required (letters, digits, . _ @ -)');
      const requested = (params.roles ?? '').split(/[ ,]+/).filter(Boolean);
      if (requested.some((r) => !roleSet.has(r as Role)))
        throw new errors.InvalidRequest('roles must be resident, staff, admin, moderator or finance');
      const roles = requested.length > 0 ? (requested as Role[]) : [...devAccount(sub).roles];
      const token = new ctx.oidc.provider.AccessToken({
        accountId: sub,
        client: ctx.oidc.client,
        gty: 'dev-token',
        scope: 'doorstep',
        extra: { roles },
      } as never);
      (token as unknown as { resourceServer: unknown }).resourceServer = new ctx.oidc.provider.ResourceServer(
        options.audience,
        resourceServer,
      );
      const value = await token.save();
      ctx.body = {
        access_token: value,
        token_type: 'Bearer',
        expires_in: resourceServer.accessTokenTTL,
        scope: 'doorstep',
      };
    },
    ['sub', 'roles', 'resource'],
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
export async function requestDevToken(issuer: string, sub: string, roles: readonly Role[] = []): Promise<string> {
  const body = new URLSearchParams({ grant_type: devTokenGrantType, sub, roles: roles.join(' ') });
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

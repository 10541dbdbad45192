import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { REST_ROUTES, type RestRoute } from '@parley/protocol';
import { TOKEN_ROUTE_SCOPES, tokenScopeFor } from '../modules/api-tokens';
import type { ParleyRoute } from './app';

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType): Json =>
  z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
const responseSchemaOf = (s: z.ZodType): Json =>
  z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' });

/** `/a/:id/b` → `/a/{id}/b`, with its path parameters. */
function openApiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

const tagOf = (url: string): string => {
  const part = url.split('/')[2] ?? 'other';
  return part.charAt(0).toUpperCase() + part.slice(1);
};

function queryParameters(query: z.ZodType): Json[] {
  const schema = schemaOf(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));
}

function operation(r: ParleyRoute, params: string[], route: RestRoute | undefined): Json {
  const { method, url } = r;
  const scope = r.agent ? tokenScopeFor(method, url, r.agent.permission) : undefined;
  const success = String(route?.status ?? 200);
  const op: Json = {
    operationId: `${method.toLowerCase()}${url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: route?.summary ?? `${method} ${url}`,
    tags: [route?.tag ?? tagOf(url)],
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route?.query ? queryParameters(route.query) : []),
    ],
    responses: {
      [success]: route?.response
        ? {
            description: 'Success',
            content: { 'application/json': { schema: responseSchemaOf(route.response) } },
          }
        : { description: 'Success' },
      default: { $ref: '#/components/responses/Error' },
    },
  };
  if (route?.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: schemaOf(route.body) } },
    };
  if (route?.auth === 'visitor') op.security = [{ visitorToken: [] }];
  else if (route?.auth === 'public') op.security = [];
  else if (r.agent)
    op.security = scope ? [{ session: [] }, { apiToken: [scope] }] : [{ session: [] }];
  if (scope) op['x-parley-token-scope'] = scope;
  return op;
}

/**
 * The OpenAPI 3.1 document of the REST API: every route the server serves
 * under /api (and /healthz), described by its protocol schema where
 * `REST_ROUTES` (packages/protocol) has one. Built once, after the routes.
 */
export function buildOpenApi(app: FastifyInstance, version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of app.parleyRoutes) {
    const { method, url } = r;
    if (method === 'HEAD' || method === 'OPTIONS') continue;
    if (!url.startsWith('/api/') && url !== '/healthz') continue;
    if (url === '/api/openapi.json') continue;
    const { path, params } = openApiPath(url);
    (paths[path] ??= {})[method.toLowerCase()] = operation(
      r,
      params,
      REST_ROUTES[`${method} ${url}`],
    );
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley REST API',
      version,
      description:
        'Agents call it with a console session (cookie and X-CSRF-Token) or an API token (Authorization: Bearer pt_…); a token reaches only the routes that name its scope (x-parley-token-scope). Errors come from one registry (docs/errors.md).',
    },
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'parley_session' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (pt_…), scoped.' },
        visitorToken: { type: 'http', scheme: 'bearer', description: "A visitor session's token." },
      },
      responses: {
        Error: {
          description: 'An error from the registry',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message'],
                    properties: { code: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    'x-parley-token-routes': Object.keys(TOKEN_ROUTE_SCOPES).length,
  };
}

/** Serves the document at /api/openapi.json (public: it holds no data, only the API's shape). */
export function registerOpenApi(app: FastifyInstance, version: string): void {
  let doc: Json | undefined;
  app.get('/api/openapi.json', async (_request, reply) => {
    doc ??= buildOpenApi(app, version);
    void reply.header('cache-control', 'no-cache');
    return doc;
  });
}

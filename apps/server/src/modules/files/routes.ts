import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import {
  FileClientIdSchema,
  FileSettingsSchema,
  FileUploadHeadersSchema,
  FileVariantSchema,
  ParleyError,
} from '@parley/protocol';
import { requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor, visitorActor, type ChatActor } from '../chat';
import type { VisitorService } from '../visitors';
import { presentFile } from './presenter';
import type { FileService } from './service';

const Id = z.string().min(1).max(64);
const UploadParams = z.object({ id: Id, clientId: FileClientIdSchema });
const FileParams = z.object({ id: Id });
const LinkQuery = z.object({ variant: FileVariantSchema.default('original') });
const DownloadParams = z.object({
  org: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  variant: FileVariantSchema,
});
const DownloadQuery = z.object({ e: z.coerce.number().int(), s: z.string().min(1).max(100) });

/** RFC 6266: an ASCII fallback and the UTF-8 name; always an attachment, never shown inline by a navigation. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerFileRoutes(
  app: FastifyInstance,
  deps: { files: FileService; visitors: VisitorService; authRoutes: AuthRouteOptions },
): void {
  const { files, visitors } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };
  const visitorOnly = {
    preHandler: async (request: FastifyRequest) => {
      const h = request.headers.authorization;
      const ctx = await visitors.authenticate(
        h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined,
        { ip: request.ip },
      );
      if (!ctx) throw new ParleyError('invalid_token');
      request.visitorContext = ctx;
    },
  };
  const visitorOf = (request: FastifyRequest): ChatActor => {
    if (!request.visitorContext) throw new ParleyError('invalid_token');
    return visitorActor(request.visitorContext);
  };

  const upload = async (actor: ChatActor, request: FastifyRequest, reply: FastifyReply) => {
    const { id, clientId } = UploadParams.parse(request.params);
    const headers = FileUploadHeadersSchema.parse(request.headers);
    const length = request.headers['content-length'];
    const { row, duplicate } = await files.upload(actor, {
      conversationId: id,
      clientId,
      batchId: headers['x-batch-id'],
      name: headers['x-file-name'],
      contentLength: length === undefined ? undefined : Number(length),
      body: request.body as Readable,
    });
    return reply.status(duplicate ? 200 : 201).send({ file: presentFile(row, actor.kind) });
  };

  void app.register(async (scope) => {
    // The body is the file itself, read as a stream by the service under the organisation's size limit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.put(
      '/api/visitor/conversations/:id/files/:clientId',
      visitorOnly,
      async (request, reply) => upload(visitorOf(request), request, reply),
    );
    scope.put('/api/conversations/:id/files/:clientId', agentOnly, async (request, reply) =>
      upload(agentActor(request), request, reply),
    );
  });

  app.get('/api/visitor/conversations/:id/files', visitorOnly, async (request) => {
    const { id } = FileParams.parse(request.params);
    const rows = await files.list(visitorOf(request), id);
    return { files: rows.map((r) => presentFile(r, 'visitor')) };
  });
  app.get('/api/conversations/:id/files', agentOnly, async (request) => {
    const { id } = FileParams.parse(request.params);
    const rows = await files.list(agentActor(request), id);
    return { files: rows.map((r) => presentFile(r, 'agent')) };
  });
  app.get('/api/visitor/files/:id/link', visitorOnly, async (request) => {
    const { id } = FileParams.parse(request.params);
    return files.link(visitorOf(request), id, LinkQuery.parse(request.query).variant);
  });
  app.get('/api/files/:id/link', agentOnly, async (request) => {
    const { id } = FileParams.parse(request.params);
    return files.link(agentActor(request), id, LinkQuery.parse(request.query).variant);
  });
  app.get('/api/files/settings', agentOnly, async (request) => files.settings(agentActor(request)));
  app.put('/api/files/settings', agentOnly, async (request) =>
    files.putSettings(agentActor(request), FileSettingsSchema.parse(request.body)),
  );
  app.get('/api/visitor/files/settings', visitorOnly, async (request) =>
    files.settings(visitorOf(request)),
  );

  app.get('/files/:org/:id/:variant', async (request, reply) => {
    const p = DownloadParams.safeParse(request.params);
    const q = DownloadQuery.safeParse(request.query);
    if (!p.success || !q.success) throw new ParleyError('file_link_invalid');
    const { row, variant, data } = await files.download(
      p.data.org,
      p.data.id,
      p.data.variant,
      q.data.e,
      q.data.s,
    );
    return reply
      .header('content-type', variant === 'thumb' ? 'image/webp' : row.mime)
      .header(
        'content-disposition',
        disposition(variant === 'thumb' ? `thumb-${row.name}.webp` : row.name),
      )
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox; frame-ancestors 'none'")
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, max-age=300')
      .header('referrer-policy', 'no-referrer')
      .send(data);
  });
}

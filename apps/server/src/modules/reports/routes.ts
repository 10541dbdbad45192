import type { FastifyInstance } from 'fastify';
import {
  RatingReportQuerySchema,
  ReportQuerySchema,
  type RatingReport,
  type ReportOverview,
} from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentReport, presentReportCsv } from './presenter';
import type { ReportService } from './service';

/** Reports over HTTP (docs/operations.md "Reports"): supervisors, admins, tokens with report:read. */
export function registerReportRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; reports: ReportService },
): void {
  const readers = { preHandler: requireAgent(opts.authRoutes, { permission: 'report:read' }) };

  app.get('/api/reports/overview', readers, async (request): Promise<ReportOverview> => {
    const q = ReportQuerySchema.parse(request.query);
    const read = { format: 'json', ip: request.ip } as const;
    return presentReport(await opts.reports.overview(agentOf(request).actor, q, read));
  });

  // The ratings report, on the same rule as the overview (docs/feedback.md "Reports").
  app.get('/api/reports/ratings', readers, async (request): Promise<RatingReport> => {
    const q = RatingReportQuerySchema.parse(request.query);
    return opts.reports.ratings(agentOf(request).actor, q, { format: 'json', ip: request.ip });
  });

  app.get('/api/reports/export.csv', readers, async (request, reply) => {
    const q = ReportQuerySchema.parse(request.query);
    const read = { format: 'csv', ip: request.ip } as const;
    const report = presentReport(await opts.reports.overview(agentOf(request).actor, q, read));
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="parley-report-${q.by}-${day(report.from)}-${day(report.to - 1)}.csv"`,
      )
      .header('cache-control', 'no-store');
    return presentReportCsv(report);
  });
}

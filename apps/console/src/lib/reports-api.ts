import { ReportOverviewSchema, type ReportGrouping, type ReportOverview } from '@parley/protocol';
import { call } from './api';

/**
 * The report query string: whole days `fromDay`..`toDay` (YYYY-MM-DD, both included), which the
 * server reads as the organisation's local days (its business-hours zone), and a grouping.
 */
export function reportQuery(fromDay: string, toDay: string, by: ReportGrouping): string {
  return new URLSearchParams({ fromDay, toDay, by }).toString();
}

/** REST calls of the reports page (docs/operations.md "Reports"). */
export const reportsApi = {
  overview: (fromDay: string, toDay: string, by: ReportGrouping): Promise<ReportOverview> =>
    call(ReportOverviewSchema, `/api/reports/overview?${reportQuery(fromDay, toDay, by)}`),
  csvUrl: (fromDay: string, toDay: string, by: ReportGrouping): string =>
    `/api/reports/export.csv?${reportQuery(fromDay, toDay, by)}`,
};

/** Catalog keys (in full for i18n.test.ts) of each grouping's name. */
export const GROUPING_LABELS: Record<ReportGrouping, string> = {
  day: 'reports.byDay',
  team: 'reports.byTeam',
  agent: 'reports.byAgent',
};

import { ReportOverviewSchema, type ReportGrouping, type ReportOverview } from '@parley/protocol';
import { call } from './api';

/** The report query string: a range [from, to) in ms and a grouping. */
export function reportQuery(from: number, to: number, by: ReportGrouping): string {
  return new URLSearchParams({ from: String(from), to: String(to), by }).toString();
}

/** REST calls of the reports page (docs/operations.md "Reports"). */
export const reportsApi = {
  overview: (from: number, to: number, by: ReportGrouping): Promise<ReportOverview> =>
    call(ReportOverviewSchema, `/api/reports/overview?${reportQuery(from, to, by)}`),
  csvUrl: (from: number, to: number, by: ReportGrouping): string =>
    `/api/reports/export.csv?${reportQuery(from, to, by)}`,
};

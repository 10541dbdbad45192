export { createReportService, type ReportService } from './service';
export { registerReportRoutes } from './routes';
export { presentReport, presentReportCsv } from './presenter';
export { mayReadReports } from './policy';

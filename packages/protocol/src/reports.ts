import { z } from 'zod';

/** How a report is broken down: per day (the organisation's local day), per team, or per agent. */
export const REPORT_GROUPINGS = ['day', 'team', 'agent'] as const;
export const ReportGroupingSchema = z.enum(REPORT_GROUPINGS);
export type ReportGrouping = z.infer<typeof ReportGroupingSchema>;

/** A range longer than this is refused: reports read the store, bounded (law 8). */
export const REPORT_MAX_DAYS = 400;

const DaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar day');

/**
 * `GET /api/reports/overview` and `/api/reports/export.csv`: a time range
 * [from, to) in ms since the epoch (the last 30 days by default), or whole days
 * `fromDay`..`toDay` (YYYY-MM-DD, both included) of the organisation's time
 * zone, which win over `from`/`to`; and a grouping.
 */
export const ReportQuerySchema = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  fromDay: DaySchema.optional(),
  toDay: DaySchema.optional(),
  by: ReportGroupingSchema.default('day'),
});
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

/** A duration summary: the mean in milliseconds over `count` conversations (null when none). */
const DurationSchema = z.object({ count: z.number().int(), averageMs: z.number().nullable() });

export const ReportFiguresSchema = z.object({
  /** Conversations started in the range. */
  conversations: z.number().int(),
  /** Closed without any agent reply. */
  missed: z.number().int(),
  /** Start to an agent taking the conversation. */
  waiting: DurationSchema,
  /** Start to the first agent reply. */
  firstResponse: DurationSchema,
  /** An agent taking it to its closing. */
  handling: DurationSchema,
  ratings: z.object({ count: z.number().int(), average: z.number().nullable() }),
  payments: z.object({
    count: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    /** Succeeded amounts (minor units, net of refunds) per currency. */
    amounts: z.array(z.object({ currency: z.string(), amount: z.number().int() })),
  }),
});
export type ReportFigures = z.infer<typeof ReportFiguresSchema>;

export const ReportRowSchema = ReportFiguresSchema.extend({
  /** The day (YYYY-MM-DD, the organisation's zone), team id or agent id; null for "no team" / "no agent". */
  key: z.string().nullable(),
  label: z.string(),
});
export type ReportRow = z.infer<typeof ReportRowSchema>;

export const ReportOverviewSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  /** The organisation's time zone, whose local days the range and the rows are in. */
  timeZone: z.string().default('UTC'),
  by: ReportGroupingSchema,
  totals: ReportFiguresSchema,
  rows: z.array(ReportRowSchema),
});
export type ReportOverview = z.infer<typeof ReportOverviewSchema>;

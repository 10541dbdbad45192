import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ReportOverview } from '@parley/protocol';
import { t } from '../i18n';
import { GROUPING_LABELS } from '../lib/reports-api';

/**
 * Okabe–Ito colours: told apart with the common colour-vision deficiencies,
 * and each series also differs in stroke (solid, dashed) so colour is never
 * the only cue (WCAG 1.4.1). The table under the chart holds the same numbers.
 */
const BLUE = '#0072B2';
const VERMILION = '#D55E00';

/** Conversations and missed chats per day, team or agent, as bars (uPlot; its own chunk). */
export default function ReportChart({ report }: { report: ReportOverview }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const labels = report.rows.map((r) => r.label);
    const xs = labels.map((_, i) => i);
    const bars = uPlot.paths.bars?.({ size: [0.4, 48], align: 0 });
    const width = Math.max(280, Math.min(el.clientWidth || 640, 960));
    const plot = new uPlot(
      {
        width,
        height: 240,
        legend: { show: true },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, xs.length - 0.5)] } },
        axes: [
          {
            values: (_u, splits) => splits.map((i) => labels[Math.round(i)] ?? ''),
            splits: () => xs,
          },
          { label: t('reports.conversations') },
        ],
        series: [
          {
            label: t(GROUPING_LABELS[report.by]),
            value: (_u, i) => labels[i] ?? '',
          },
          {
            label: t('reports.conversations'),
            stroke: BLUE,
            fill: `${BLUE}99`,
            ...(bars ? { paths: bars } : {}),
          },
          {
            label: t('reports.missed'),
            stroke: VERMILION,
            width: 2,
            dash: [6, 4],
            points: { show: true, size: 7 },
          },
        ],
      },
      [xs, report.rows.map((r) => r.conversations), report.rows.map((r) => r.missed)],
      el,
    );
    const fit = () =>
      plot.setSize({ width: Math.max(280, Math.min(el.clientWidth, 960)), height: 240 });
    window.addEventListener('resize', fit);
    return () => {
      window.removeEventListener('resize', fit);
      plot.destroy();
    };
  }, [report]);
  // The chart repeats the table below; screen readers get the table, not the canvas.
  return <div class="report-chart" ref={box} aria-hidden="true" data-testid="report-chart" />;
}

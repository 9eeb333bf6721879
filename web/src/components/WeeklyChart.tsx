import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { WeekSummary } from '../api/types';

// Only what this chart draws, so the rest of Chart.js is tree-shaken away.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const font = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' };

/**
 * Distance bars (km) and the average speed line (km/h) per ISO week, in
 * chronological order whatever the table's sort. The canvas is one image to
 * assistive technology; the table beside it carries the same numbers.
 */
export function WeeklyChart({ weeks }: { weeks: WeekSummary[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    const sorted = [...weeks].sort((a, b) => a.year - b.year || a.week - b.week);
    const labels = sorted.map((w) => `${w.year}-W${String(w.week).padStart(2, '0')}`);
    const data = {
      labels,
      datasets: [
        {
          type: 'bar' as const,
          label: 'Distance (km)',
          data: sorted.map((w) => w.total_distance / 1000),
          backgroundColor: '#2f6fd0',
          yAxisID: 'km',
          order: 2,
        },
        {
          type: 'line' as const,
          label: 'Average speed (km/h)',
          data: sorted.map((w) => Math.round(w.average_speed * 36) / 10),
          borderColor: '#c2410c',
          backgroundColor: '#c2410c',
          yAxisID: 'kmh',
          order: 1,
        },
      ],
    };
    if (chart.current) {
      chart.current.data = data;
      chart.current.update();
      return;
    }
    chart.current = new Chart(canvas.current!, {
      type: 'bar',
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { labels: { font, color: '#1f2933' } }, tooltip: { titleFont: font, bodyFont: font } },
        scales: {
          x: { ticks: { font, color: '#3e4c59' } },
          km: {
            type: 'linear',
            position: 'left',
            beginAtZero: true,
            title: { display: true, text: 'km', font, color: '#3e4c59' },
            ticks: { font, color: '#3e4c59' },
          },
          kmh: {
            type: 'linear',
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: 'km/h', font, color: '#3e4c59' },
            ticks: { font, color: '#3e4c59' },
          },
        },
      },
    });
  }, [weeks]);

  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );

  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label="Weekly distance and average speed">
        Distance per week in kilometres as bars, and the average speed in km/h as a line.
      </canvas>
    </div>
  );
}

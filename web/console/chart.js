// Time-series charts with uPlot (served from npm's build at /console/vendor/, global `uPlot`).
// Series come from GetMetricData; an optional threshold is drawn as a dashed line.
import {h, clear} from './ui.js';

const COLORS = ['#0a5ea8', '#d45b07', '#1d8102', '#8d3ab3', '#b0231b', '#007d7d'];

// series: [{label, timestamps: [ISO], values: [n]}]; opts: {utc, threshold, height, title}
export function timeSeriesChart(container, series, opts = {}) {
  clear(container);
  const U = window.uPlot;
  if (!U) {
    container.append(h('p', {class: 'alert error', role: 'alert'},
                       'The chart library (uPlot) did not load.'));
    return null;
  }
  const times = new Set();
  for (const s of series) for (const t of s.timestamps) times.add(Math.floor(Date.parse(t) / 1000));
  if (opts.start) times.add(Math.floor(opts.start / 1000));
  if (opts.end) times.add(Math.floor(opts.end / 1000));
  const xs = [...times].sort((a, b) => a - b);
  const data = [xs];
  for (const s of series) {
    const byTime = new Map();
    s.timestamps.forEach((t, i) => byTime.set(Math.floor(Date.parse(t) / 1000), s.values[i]));
    data.push(xs.map((x) => (byTime.has(x) ? byTime.get(x) : null)));
  }
  const uSeries = [{}, ...series.map((s, i) => ({
    label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false,
    points: {show: true, size: 6},
  }))];
  if (opts.threshold !== undefined && opts.threshold !== null && xs.length) {
    data.push(xs.map(() => opts.threshold));
    uSeries.push({label: `Threshold (${opts.threshold})`, stroke: '#b0231b', width: 1.5,
                  dash: [6, 4], points: {show: false}});
  }
  const measured = container.clientWidth;
  const width = Math.max(280, measured > 0 ? measured - 16 : 800);
  const tz = opts.utc ? 'Etc/UTC' : undefined;
  const chart = new U({
    title: opts.title,
    width,
    height: opts.height || 280,
    series: uSeries,
    scales: {x: {time: true}, y: {range: (u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)]}},
    axes: [{}, {label: opts.yLabel || ''}],
    tzDate: tz ? (ts) => U.tzDate(new Date(ts * 1e3), tz) : undefined,
  }, data, container);
  const summary = series.map((s) => `${s.label}: ${s.values.length} data point` +
                                     `${s.values.length === 1 ? '' : 's'}` +
                                     (s.values.length ? `, latest ${s.values[0]}` : '')).join('; ');
  chart.root.setAttribute('role', 'img');
  chart.root.setAttribute('aria-label', `Chart. ${summary || 'No data.'}`);
  const onResize = () => {
    if (!container.isConnected) {
      window.removeEventListener('resize', onResize);
      return;
    }
    chart.setSize({width: Math.max(280, container.clientWidth - 16), height: opts.height || 280});
  };
  window.addEventListener('resize', onResize);
  return chart;
}

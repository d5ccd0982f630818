/**
 * A hand-written SVG line chart (no dependency): one panel per measure, one line per server,
 * each point a measured run, with the least-squares line dashed behind it.
 */
import { fitLine, type Point } from './fit.js';

export interface Series {
  name: string;
  color: string;
  points: Point[];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const PANEL_WIDTH = 330;
const PANEL_HEIGHT = 260;
const MARGIN = { left: 58, right: 12, top: 34, bottom: 44 };

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round step giving about `count` ticks over [0, max]. */
function tickStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const [step] = [1, 2, 2.5, 5, 10].map((m) => m * power).filter((candidate) => candidate >= raw);
  return step;
}

function short(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (magnitude >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

function renderPanel(panel: Panel, offsetX: number): string {
  const points = panel.series.flatMap((series) => series.points);
  const maxX = Math.max(1, ...points.map((point) => point.x));
  const maxY = Math.max(1e-9, ...points.map((point) => point.y));
  const xStep = tickStep(maxX, 4);
  const yStep = tickStep(maxY, 5);
  const xMax = Math.ceil(maxX / xStep) * xStep;
  const yMax = Math.ceil(maxY / yStep) * yStep;
  const width = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const height = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x / xMax) * width;
  const sy = (y: number) => MARGIN.top + height - (Math.max(0, Math.min(y, yMax)) / yMax) * height;
  const parts: string[] = [`<g transform="translate(${offsetX},0)">`];
  parts.push(
    `<text x="${PANEL_WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">${xmlText(panel.title)}</text>`,
  );
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + width}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e3e3e3"/>`,
      `<text x="${MARGIN.left - 6}" y="${sy(y) + 4}" text-anchor="end">${short(y)}</text>`,
    );
  }
  for (let x = 0; x <= xMax + xStep / 2; x += xStep) {
    parts.push(`<text x="${sx(x)}" y="${MARGIN.top + height + 16}" text-anchor="middle">${short(x)}</text>`);
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + width}" y1="${sy(0)}" y2="${sy(0)}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${sy(0)}" stroke="#888"/>`,
    `<text x="${MARGIN.left + width / 2}" y="${PANEL_HEIGHT - 8}" text-anchor="middle">${xmlText(panel.xLabel)}</text>`,
    `<text transform="translate(14,${MARGIN.top + height / 2}) rotate(-90)" text-anchor="middle">${xmlText(panel.yLabel)}</text>`,
  );
  for (const series of panel.series) {
    const sorted = [...series.points].sort((a, b) => a.x - b.x);
    const fit = fitLine(sorted);
    if (fit && sorted.length > 2) {
      const x0 = sorted[0].x;
      const x1 = sorted[sorted.length - 1].x;
      parts.push(
        `<line x1="${sx(x0)}" y1="${sy(fit.intercept + fit.slope * x0)}" x2="${sx(x1)}" ` +
          `y2="${sy(fit.intercept + fit.slope * x1)}" stroke="${series.color}" stroke-dasharray="4 3" opacity="0.5"/>`,
      );
    }
    const path = sorted.map((point, index) => `${index === 0 ? 'M' : 'L'}${sx(point.x)},${sy(point.y)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    for (const point of sorted) {
      parts.push(`<circle cx="${sx(point.x)}" cy="${sy(point.y)}" r="3.5" fill="${series.color}"/>`);
    }
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** The panels side by side with a shared legend below them. */
export function renderChart(panels: readonly Panel[], caption: string): string {
  const width = PANEL_WIDTH * panels.length;
  const legendY = PANEL_HEIGHT + 16;
  const height = legendY + 30;
  const names = [...new Map(panels.flatMap((panel) => panel.series).map((series) => [series.name, series.color]))];
  const legend = names
    .map(
      ([name, color], index) =>
        `<g transform="translate(${16 + index * 150},${legendY})"><rect width="14" height="4" y="-6" fill="${color}"/>` +
        `<text x="20" y="0">${xmlText(name)}</text></g>`,
    )
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="sans-serif" font-size="11" fill="#222">',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels.map((panel, index) => renderPanel(panel, index * PANEL_WIDTH)),
    legend,
    `<text x="${width - 12}" y="${legendY}" text-anchor="end" fill="#666">${xmlText(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

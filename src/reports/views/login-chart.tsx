/**
 * Logins per method and month: a server-rendered SVG line chart (no script), its key and a
 * data table with the same numbers, every series named as in the table and the rest of the
 * report. Colour is never the only carrier: each method has its own line pattern and marker
 * shape, repeated in the key; all colours have at least 3:1 contrast against the white
 * background (text at least 4.5:1). The key is HTML below the chart, so it wraps at any
 * width and a long name is never cut off.
 */
import type { MethodId } from '../../identity/methods.js';
import type { Lang, Messages } from '../../platform/i18n/index.js';
import type { LoginChartData } from '../login-chart.js';
import { TableScroll } from '../../web/table-scroll.js';

interface LineStyle {
  /** Contrast on white: #0b3d6b 11.9:1, #1d6b32 6.6:1, #a1161b 7.7:1. */
  readonly colour: string;
  readonly dash: string | undefined;
  readonly marker: 'circle' | 'square' | 'triangle';
}

const STYLES: Readonly<Record<MethodId, LineStyle>> = {
  telia_card: { colour: '#0b3d6b', dash: undefined, marker: 'circle' },
  svenska_pass_card: { colour: '#1d6b32', dash: '9 5', marker: 'square' },
  bankid: { colour: '#a1161b', dash: '2 4', marker: 'triangle' },
};

const W = 720;
const H = 330;
const M = { left: 52, right: 24, top: 20, bottom: 62 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
const INK = '#1b1b1f';
const AXIS = '#44474f';
const GRID = '#c6c9cf';

/** A y-axis step of 1, 2 or 5 × 10ⁿ giving about four gridlines, and the axis maximum. */
export function yScale(max: number): { step: number; top: number } {
  if (max <= 0) return { step: 1, top: 1 };
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((s) => s * magnitude >= raw) ?? 10) * magnitude);
  return { step, top: Math.ceil(max / step) * step };
}

function monthName(t: Messages, month: number): string {
  return t['date.months'].split(',')[month - 1] ?? String(month);
}

function Marker(props: { style: LineStyle; x: number; y: number }) {
  const { style, x, y } = props;
  switch (style.marker) {
    case 'circle':
      return <circle cx={x} cy={y} r={4.5} fill={style.colour} />;
    case 'square':
      return <rect x={x - 4.5} y={y - 4.5} width={9} height={9} fill="#ffffff" stroke={style.colour} stroke-width={2.5} />;
    case 'triangle':
      return <path d={`M ${x} ${y - 6} L ${x + 5.5} ${y + 4} L ${x - 5.5} ${y + 4} Z`} fill={style.colour} />;
  }
}

export function LoginChart(props: { data: LoginChartData; t: Messages; lang: Lang }) {
  const { data, t, lang } = props;
  const { months, methods } = data;
  const first = months[0];
  const last = months[months.length - 1];
  if (!first || !last) return null;
  const name = (id: MethodId) => t[`method.${id}.name`];
  const period = t['reports.chart.period']({
    from: `${monthName(t, first.month)} ${first.year}`,
    to: `${monthName(t, last.month)} ${last.year}`,
  });
  const max = Math.max(0, ...months.flatMap((m) => methods.map((id) => m.counts[id])));
  const { step, top } = yScale(max);
  const x = (i: number) => M.left + (months.length === 1 ? PLOT_W / 2 : (i * PLOT_W) / (months.length - 1));
  const y = (v: number) => M.top + PLOT_H - (v / top) * PLOT_H;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);

  const totals = methods.map((id) => `${name(id)}: ${data.totals[id]}`).join(', ');
  const description = `${period}. ${t['reports.chart.totals']({ totals: totals === '' ? '–' : totals })} ${t['reports.chart.seeTable']}`;
  const fmt = (n: number) => n.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB');

  return (
    <section aria-labelledby="logins-heading">
      <h2 id="logins-heading">{t['reports.chart.heading']}</h2>
      <p>{t['reports.chart.lead']}</p>
      <figure class="chart">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-labelledby="logins-chart-title logins-chart-desc"
          font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
          data-chart="logins-per-month"
        >
          <title id="logins-chart-title">{t['reports.chart.title']}</title>
          <desc id="logins-chart-desc">{description}</desc>
          <rect x={0} y={0} width={W} height={H} fill="#ffffff" />
          {ticks.map((v) => (
            <g key={`y${v}`}>
              <line x1={M.left} x2={M.left + PLOT_W} y1={y(v)} y2={y(v)} stroke={v === 0 ? AXIS : GRID} stroke-width={1} />
              <text x={M.left - 8} y={y(v) + 4} text-anchor="end" font-size={12} fill={INK}>
                {fmt(v)}
              </text>
            </g>
          ))}
          <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + PLOT_H} stroke={AXIS} stroke-width={1} />
          {months.map((m, i) => (
            <g key={`x${m.year}-${m.month}`}>
              <line x1={x(i)} x2={x(i)} y1={M.top + PLOT_H} y2={M.top + PLOT_H + 5} stroke={AXIS} stroke-width={1} />
              <text x={x(i)} y={M.top + PLOT_H + 20} text-anchor="middle" font-size={12} fill={INK}>
                {monthName(t, m.month).slice(0, 3)}
              </text>
              {i === 0 || m.month === 1 ? (
                <text x={x(i)} y={M.top + PLOT_H + 36} text-anchor="middle" font-size={12} fill={INK}>
                  {String(m.year)}
                </text>
              ) : null}
            </g>
          ))}
          <text x={M.left + PLOT_W / 2} y={H - 6} text-anchor="middle" font-size={12} fill={INK}>
            {t['reports.chart.xAxis']}
          </text>
          <text x={14} y={M.top + PLOT_H / 2} text-anchor="middle" font-size={12} fill={INK} transform={`rotate(-90 14 ${M.top + PLOT_H / 2})`}>
            {t['reports.chart.yAxis']}
          </text>
          {methods.map((id) => {
            const style = STYLES[id];
            const points = months.map((m, i) => `${x(i).toFixed(1)},${y(m.counts[id]).toFixed(1)}`).join(' ');
            return (
              <g key={id} data-method={id}>
                <polyline
                  points={points}
                  fill="none"
                  stroke={style.colour}
                  stroke-width={2.5}
                  stroke-linejoin="round"
                  stroke-linecap="round"
                  {...(style.dash ? { 'stroke-dasharray': style.dash } : {})}
                />
                {months.map((m, i) => (
                  <Marker key={`${m.year}-${m.month}`} style={style} x={x(i)} y={y(m.counts[id])} />
                ))}
              </g>
            );
          })}
        </svg>
        <figcaption>
          <ul class="chart-legend" aria-label={t['reports.chart.legend']}>
            {methods.map((id) => {
              const style = STYLES[id];
              return (
                <li key={id} data-method={id}>
                  <svg width={40} height={16} viewBox="0 0 40 16" aria-hidden="true" focusable="false">
                    <line
                      x1={2}
                      x2={38}
                      y1={8}
                      y2={8}
                      stroke={style.colour}
                      stroke-width={2.5}
                      stroke-linecap="round"
                      {...(style.dash ? { 'stroke-dasharray': style.dash } : {})}
                    />
                    <Marker style={style} x={20} y={8} />
                  </svg>
                  {name(id)}
                </li>
              );
            })}
          </ul>
        </figcaption>
      </figure>
      <TableScroll label={t['reports.chart.tableCaption']({ period })}>
        <table data-table="logins-per-month">
          <caption>{t['reports.chart.tableCaption']({ period })}</caption>
          <thead>
            <tr>
              <th scope="col">{t['reports.chart.month']}</th>
              {methods.map((id) => (
                <th scope="col" key={id}>
                  {name(id)}
                </th>
              ))}
              <th scope="col">{t['reports.chart.total']}</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={`${m.year}-${m.month}`}>
                <th scope="row">{`${monthName(t, m.month)} ${m.year}`}</th>
                {methods.map((id) => (
                  <td key={id}>{fmt(m.counts[id])}</td>
                ))}
                <td>{fmt(m.total)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t['reports.chart.total']}</th>
              {methods.map((id) => (
                <td key={id}>{fmt(data.totals[id])}</td>
              ))}
              <td>{fmt(methods.reduce((sum, id) => sum + data.totals[id], 0))}</td>
            </tr>
          </tfoot>
        </table>
      </TableScroll>
    </section>
  );
}

// Staff dashboards: figures the API reads from stored monthly snapshots and the
// renewal runs' reports (never a Scan). Charts by Chart.js (vendored, window.Chart);
// each chart has its figures as a table beside it, so colour is never the only signal.
import { Alert, Loading, api, html, money, useEffect, useLoad, words } from "./lib.mjs";

const COLOURS = ["#0b4f8a", "#8a4b00", "#a1141e", "#0f6b3a", "#5b3f9e", "#4a5561"];
const PATTERNS = { ACTIVE: 0, LAPSED: 1, RECERTIFICATION_REQUIRED: 2 };

function ChartBox({ id, title, config, rows, columns }) {
  useEffect(() => {
    const canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return undefined;
    const chart = new window.Chart(canvas, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options || {}) },
    });
    return () => chart.destroy();
  }, [id, JSON.stringify(config)]);
  return html`<section class="panel" aria-labelledby=${`${id}-h`}>
    <h2 id=${`${id}-h`}>${title}</h2>
    <div class="chart-box"><canvas id=${id} role="img" aria-label=${`${title}: chart; the figures are in the table below`}></canvas></div>
    <details>
      <summary>Figures</summary>
      <div class="table-wrap" tabindex="0"><table>
        <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
        <tbody>${rows.map((r) => html`<tr>${r.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody>
      </table></div>
    </details>
  </section>`;
}

function stacked(labels, series) {
  return {
    type: "bar",
    data: {
      labels,
      datasets: series.map(([label, data], i) => ({ label, data, backgroundColor: COLOURS[i % COLOURS.length] })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  };
}

export function DashboardPage() {
  const [data, error] = useLoad(() => api("GET", "/staff/dashboard"));
  if (error) return html`<${Alert} error=${error} />`;
  if (!data) return html`<${Loading} what="Loading the dashboards" />`;
  const snaps = data.snapshots;
  const runs = data.renewalRuns;
  if (!snaps.length && !runs.length) {
    return html`<h1>Dashboards</h1><p>No figures yet: the first snapshot is taken on the 1st of the month, after the renewal run.</p>`;
  }
  const last = snaps[snaps.length - 1] || { standing: {}, invoicesByDueMonth: {}, collectedByMonth: {}, auditCases: {}, auditDaysToSubmit: [] };
  const standings = Object.keys(PATTERNS);
  const standingRows = snaps.map((s) => [s.asOf, ...standings.map((k) => s.standing[k] || 0)]);

  const steps = [...new Set(runs.flatMap((r) => r.byStepChannel.map((x) => `${x.step} · ${x.channel}`)))].sort();
  const runLabels = runs.map((r) => r.runMonth || r.runId);
  const perRun = (r, key) => r.byStepChannel.filter((x) => `${x.step} · ${x.channel}` === key).reduce((s, x) => s + x.count, 0);
  const runRows = runs.map((r) => [
    r.runMonth || r.runId,
    ...steps.map((k) => perRun(r, k)),
    r.outcomes.UNDELIVERABLE || 0,
    Object.values(r.failures).reduce((s, n) => s + n, 0) + r.failedBatches,
  ]);

  const months = Object.keys(last.invoicesByDueMonth).sort();
  const invoiceRows = months.map((m) => [m, last.invoicesByDueMonth[m].PAID || 0, last.invoicesByDueMonth[m].OPEN || 0, last.invoicesByDueMonth[m].VOID || 0]);
  const paidMonths = Object.keys(last.collectedByMonth).sort();
  const collectedRows = paidMonths.map((m) => [m, money(last.collectedByMonth[m])]);

  const auditStates = Object.keys(last.auditCases).sort();
  const days = last.auditDaysToSubmit;
  const meanDays = days.length ? (days.reduce((s, d) => s + d, 0) / days.length).toFixed(1) : "—";

  return html`<h1>Dashboards</h1>
    <p>Figures as of ${last.asOf || "—"} (monthly snapshots) and the renewal runs' own reports.</p>
    <div class="cols">
      <${ChartBox} id="chart-standing" title="Standing of the member base"
        config=${stacked(snaps.map((s) => s.asOf), standings.map((k) => [words(k), snaps.map((s) => s.standing[k] || 0)]))}
        columns=${["Snapshot", ...standings.map(words)]} rows=${standingRows} />
      <${ChartBox} id="chart-runs" title="Renewal runs: notices by step and channel"
        config=${stacked(runLabels, steps.map((k) => [words(k), runs.map((r) => perRun(r, k))]))}
        columns=${["Run", ...steps.map(words), "Undeliverable", "Failures"]} rows=${runRows} />
      <${ChartBox} id="chart-invoices" title="Invoices by due month: paid and open"
        config=${stacked(months, [["Paid", invoiceRows.map((r) => r[1])], ["Open", invoiceRows.map((r) => r[2])], ["Void", invoiceRows.map((r) => r[3])]])}
        columns=${["Due month", "Paid", "Open", "Void"]} rows=${invoiceRows} />
      <${ChartBox} id="chart-money" title="Money collected per month"
        config=${{ type: "line", data: { labels: paidMonths, datasets: [{ label: "Collected (USD)", data: paidMonths.map((m) => Number(last.collectedByMonth[m])), borderColor: COLOURS[0], backgroundColor: COLOURS[0] }] }, options: { scales: { y: { beginAtZero: true } } } }}
        columns=${["Month paid", "Collected"]} rows=${collectedRows} />
      <${ChartBox} id="chart-audits" title=${`Audit progress (mean ${meanDays} days to submit)`}
        config=${{ type: "bar", data: { labels: auditStates.map(words), datasets: [{ label: "Cases", data: auditStates.map((s) => last.auditCases[s]), backgroundColor: COLOURS[4] }] }, options: { scales: { y: { beginAtZero: true } } } }}
        columns=${["State", "Cases"]} rows=${auditStates.map((s) => [words(s), last.auditCases[s]])} />
    </div>`;
}

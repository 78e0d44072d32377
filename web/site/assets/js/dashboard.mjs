// Staff dashboards: figures the API computes from stored runs and snapshots (never a Scan).
import { Alert, Loading, api, html } from "./lib.mjs";

export function DashboardPage() {
  return html`<h1>Dashboards</h1><p>Coming with the dashboard figures route.</p>`;
}

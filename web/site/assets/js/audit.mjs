// The member's audit case (R25-R27): items, a document per item, submit.
import { Alert, Loading, api, day, fieldErrors, html, useLoad, useState, words } from "./lib.mjs";
import { Uploader } from "./uploads.mjs";

export const VERIFICATION = {
  VERIFIED: { symbol: "✓", tone: "good", text: "Verified" },
  NEEDS_PROOF: { symbol: "!", tone: "warn", text: "Needs proof" },
  PROOF_RECEIVED: { symbol: "…", tone: "info", text: "Proof received" },
  REJECTED: { symbol: "✕", tone: "bad", text: "Rejected" },
};

export function Verification({ state }) {
  const v = VERIFICATION[state] || { symbol: "•", tone: "info", text: words(state) };
  return html`<span class=${`standing standing-${v.tone}`}><span aria-hidden="true">${v.symbol}</span> ${v.text}</span>`;
}

export function AuditPage({ me, path }) {
  const [status, error] = useLoad(() => api("GET", path("/status")));
  if (error) return html`<${Alert} error=${error} />`;
  if (!status) return html`<${Loading} />`;
  const audited = status.certifications.filter((c) => c.audit);
  if (!audited.length) return html`<h1>Audit</h1><p>You have no audit case.</p>`;
  return html`<h1>Your CCP audit</h1>${audited.map((c) => html`<${AuditCase} me=${me} path=${path} caseId=${c.audit.caseId} />`)}`;
}

function AuditCase({ me, path, caseId }) {
  const [audit, error, reload] = useLoad(() => api("GET", path(`/audits/${encodeURIComponent(caseId)}`)), [caseId]);
  const [docs, , reloadDocs] = useLoad(() => api("GET", path(`/documents?caseId=${encodeURIComponent(caseId)}`)), [caseId]);
  const [submitError, setSubmitError] = useState(null);
  if (error) return html`<${Alert} error=${error} />`;
  if (!audit) return html`<${Loading} what="Loading the audit case" />`;
  const byId = Object.fromEntries(((docs && docs.documents) || []).map((d) => [d.documentId, d]));
  const open = audit.status === "OPEN";
  async function submit() {
    setSubmitError(null);
    try {
      await api("POST", path(`/audits/${encodeURIComponent(caseId)}/submit`));
      reload();
    } catch (err) {
      setSubmitError(fieldErrors(err)._form || err.message);
    }
  }
  const refresh = () => {
    reload();
    reloadDocs();
  };
  return html`<section class="panel" aria-labelledby=${`case-${caseId}`}>
    <header class="panel-head">
      <h2 id=${`case-${caseId}`}>Audit ${audit.auditYear} · ${audit.certificateNumber}</h2>
      <span class="standing standing-info">${words(audit.status)}</span>
    </header>
    <p>The audit covers your cycle ${day(audit.cycle.start)} – ${day(audit.cycle.end)}. ${open ? html`Send a document for each item by <strong>${day(audit.respondBy)}</strong>, then submit.` : null}</p>
    <p>${audit.pointsVerified} of ${audit.pointsRequired} points verified.</p>
    <div class="table-wrap" tabindex="0"><table>
      <caption>Items of the audit</caption>
      <thead><tr><th scope="col">Item</th><th scope="col">Points</th><th scope="col">State</th><th scope="col">Documents</th></tr></thead>
      <tbody>${audit.items.map(
        (item) => html`<tr data-item=${item.itemId}>
          <td>${item.title}${item.category ? html`<br /><small>${words(item.category)}</small>` : null}</td>
          <td>${item.points}</td>
          <td><${Verification} state=${item.verification} />${item.reason ? html`<br /><small>${item.reason}</small>` : null}</td>
          <td>
            ${item.documents.length
              ? html`<ul>${item.documents.map((id) => {
                  const d = byId[id];
                  return html`<li>${d ? `${d.fileName} (${words(d.status)})` : id}${d && d.reason ? ` — ${d.reason}` : ""}</li>`;
                })}</ul>`
              : null}
            ${open && (item.verification === "NEEDS_PROOF" || item.verification === "REJECTED")
              ? html`<${Uploader}
                  id=${`file-${item.itemId.replace(/[^A-Za-z0-9_-]/g, "_")}`}
                  label=${item.title}
                  memberId=${me.memberId}
                  kinds=${item.category === "EMPLOYMENT" ? ["EMPLOYMENT_VERIFICATION", "PROOF"] : ["PROOF"]}
                  request=${{ purpose: "AUDIT", caseId, itemId: item.itemId }}
                  onDone=${refresh}
                />`
              : null}
          </td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${submitError ? html`<${Alert}>${submitError}<//>` : null}
    ${open ? html`<button type="button" class="primary" onClick=${submit}>Submit for review</button>` : null}
    ${audit.submittedOn ? html`<p>Submitted on ${day(audit.submittedOn)}.</p>` : null}
  </section>`;
}

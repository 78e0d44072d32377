// Staff: the audit queue, a case with its documents shown inline, per-item decisions (R27).
import { Alert, Field, Loading, api, day, fieldErrors, html, useEffect, useLoad, useState, words } from "./lib.mjs";
import { Verification } from "./audit.mjs";

const STATES = ["SUBMITTED", "OPEN", "PASSED", "FAILED"];

export function AuditQueuePage() {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const [state, setState] = useState(params.get("status") || "SUBMITTED");
  const [list, error] = useLoad(() => api("GET", `/staff/audits?status=${state}`), [state]);
  return html`<h1>Audit queue</h1>
    <div class="toggle" role="group" aria-label="Cases in state">
      ${STATES.map((s) => html`<button type="button" aria-pressed=${s === state} onClick=${() => setState(s)}>${words(s)}</button>`)}
    </div>
    <${Alert} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list
      ? list.cases.length === 0
        ? html`<p role="status">No ${words(state).toLowerCase()} case.</p>`
        : html`<div class="table-wrap" tabindex="0"><table>
            <caption>${words(state)} cases, oldest first</caption>
            <thead><tr><th scope="col">Case</th><th scope="col">Member</th><th scope="col">Certificate</th><th scope="col">Opened</th><th scope="col">Respond by</th><th scope="col">Submitted</th></tr></thead>
            <tbody>${list.cases.map(
              (c) => html`<tr>
                <td><a href=${`#/audit/${encodeURIComponent(c.memberId)}/${encodeURIComponent(c.caseId)}`}>${c.caseId}</a></td>
                <td>${c.memberId}</td><td>${c.certificateNumber}</td><td>${day(c.openedOn)}</td><td>${day(c.respondBy)}</td><td>${day(c.submittedOn)}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
      : null}`;
}

export function DocumentViewer({ documentId }) {
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let url = null;
    (async () => {
      try {
        const doc = await api("GET", `/staff/documents/${encodeURIComponent(documentId)}`);
        const r = await fetch(doc.downloadUrl);
        if (!r.ok) throw new Error(`The document could not be read (${r.status}).`);
        const blob = new Blob([await r.arrayBuffer()], { type: doc.contentType });
        url = URL.createObjectURL(blob);
        setView({ doc, url });
      } catch (err) {
        setError(err);
      }
    })();
    return () => url && URL.revokeObjectURL(url);
  }, [documentId]);
  if (error) return html`<${Alert} error=${error} />`;
  if (!view) return html`<${Loading} what="Opening the document" />`;
  const { doc, url } = view;
  return html`<figure class="document">
    <figcaption>${doc.fileName} · ${words(doc.kind)} · ${words(doc.status)}</figcaption>
    ${doc.contentType === "application/pdf"
      ? html`<iframe class="viewer" src=${url} title=${`Document ${doc.fileName}`}></iframe>`
      : html`<img class="viewer-img" src=${url} alt=${`Document ${doc.fileName} uploaded by the member`} />`}
  </figure>`;
}

function ItemDecision({ caseId, item, onDecided }) {
  const [errors, setErrors] = useState({});
  const id = (n) => `${n}-${item.itemId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  async function decide(decision, form) {
    const body = { decision, reason: form.elements.reason.value };
    if (decision === "VERIFIED") body.points = Number(form.elements.points.value);
    try {
      await api("POST", `/staff/audits/${encodeURIComponent(caseId)}/items/${encodeURIComponent(item.itemId)}/decision`, body);
      setErrors({});
      onDecided();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  }
  return html`<form class="decision" onSubmit=${(e) => e.preventDefault()} aria-label=${`Decision on ${item.title}`}>
    ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
    <div class="row">
      <${Field} id=${id("points")} label="Points verified" error=${errors.points}>
        ${(p) => html`<input ...${p} name="points" type="number" min="0" step="0.25" max=${item.points} value=${item.points} />`}
      <//>
      <${Field} id=${id("reason")} label="Reason (needed to reject)" error=${errors.reason}>
        ${(p) => html`<input ...${p} name="reason" maxlength="500" />`}
      <//>
    </div>
    <button type="button" class="primary" onClick=${(e) => decide("VERIFIED", e.target.form)}>Verify</button>
    <button type="button" onClick=${(e) => decide("REJECTED", e.target.form)}>Reject</button>
  </form>`;
}

export function AuditCasePage({ args }) {
  const memberId = decodeURIComponent(args[0] || "");
  const caseId = decodeURIComponent(args[1] || "");
  const base = `/members/${encodeURIComponent(memberId)}`;
  const [audit, error, reload] = useLoad(() => api("GET", `${base}/audits/${encodeURIComponent(caseId)}`), [caseId]);
  const [open, setOpen] = useState(null);
  if (error) return html`<${Alert} error=${error} />`;
  if (!audit) return html`<${Loading} what="Loading the case" />`;
  return html`<h1>Audit ${audit.caseId} <small>${memberId} · ${audit.certificateNumber}</small></h1>
    <p><span class="standing standing-info">${words(audit.status)}</span> Cycle ${day(audit.cycle.start)} – ${day(audit.cycle.end)} · respond by ${day(audit.respondBy)} · ${audit.pointsVerified} of ${audit.pointsRequired} points verified.</p>
    ${audit.items.map(
      (item) => html`<section class="panel" data-item=${item.itemId} aria-labelledby=${`item-${item.itemId}`}>
        <header class="panel-head">
          <h2 id=${`item-${item.itemId}`}>${item.title}</h2>
          <${Verification} state=${item.verification} />
        </header>
        <p>${item.category ? words(item.category) : words(item.source)} · ${item.points} points claimed${item.verification === "VERIFIED" ? ` · ${item.pointsVerified} verified` : ""}${item.reason ? ` · ${item.reason}` : ""}</p>
        ${item.documents.map(
          (docId) => html`<div>
            <button type="button" onClick=${() => setOpen(open === docId ? null : docId)} aria-expanded=${open === docId}>
              ${open === docId ? "Hide" : "View"} document ${docId}
            </button>
            ${open === docId ? html`<${DocumentViewer} documentId=${docId} />` : null}
          </div>`,
        )}
        ${item.verification === "PROOF_RECEIVED" || item.verification === "NEEDS_PROOF"
          ? html`<${ItemDecision} caseId=${audit.caseId} item=${item} onDecided=${reload} />`
          : null}
      </section>`,
    )}`;
}

// Staff: the recertification queue (oldest first), an application with its proofs shown
// inline, the felony review (R30) and the decision (R32: approve, or reject with reasons).
import { Alert, Field, Loading, api, day, fieldErrors, html, money, untilWorkflowMoved, useLoad, useState, words } from "./lib.mjs";
import { DocumentViewer } from "./staff-audit.mjs";

const STATES = ["AWAITING_STAFF_REVIEW", "FELONY_REVIEW", "INCOMPLETE", "AUTHORIZED_TO_TEST", "RECERTIFIED", "REJECTED", "EXPIRED"];

export function RecertQueuePage({ args }) {
  const params = new URLSearchParams((location.hash.split("?")[1] || "") + "");
  const [state, setState] = useState(params.get("status") || "AWAITING_STAFF_REVIEW");
  const [cursor, setCursor] = useState(null);
  const [list, error] = useLoad(
    () => api("GET", `/staff/recertifications?status=${state}&limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
    [state, cursor],
  );
  const pick = (s) => {
    setCursor(null);
    setState(s);
  };
  return html`<h1>Recertification queue</h1>
    <div class="toggle" role="group" aria-label="Applications in state">
      ${STATES.map((s) => html`<button type="button" aria-pressed=${s === state} onClick=${() => pick(s)}>${words(s)}</button>`)}
    </div>
    <${Alert} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list
      ? list.applications.length === 0
        ? html`<p role="status">No application in ${words(state).toLowerCase()}.</p>`
        : html`<div class="table-wrap" tabindex="0"><table>
            <caption>${words(state)} applications, oldest first</caption>
            <thead><tr><th scope="col">Application</th><th scope="col">Member</th><th scope="col">Certificate</th><th scope="col">Route</th><th scope="col">Submitted</th><th scope="col">Felony review</th><th scope="col">Fee</th></tr></thead>
            <tbody>${list.applications.map(
              (a) => html`<tr data-application=${a.applicationId}>
                <td><a href=${`#/recertification/${encodeURIComponent(a.applicationId)}`}>${a.applicationId}</a></td>
                <td>${a.memberId}</td><td>${a.certificateNumber}</td><td>${a.route}</td><td>${day(a.submittedOn)}</td>
                <td>${a.felonyReview ? `${words(a.felonyReview.status)}${a.felonyReview.overdueSince ? " — overdue" : a.felonyReview.dueOn && a.felonyReview.status === "PENDING" ? ` — due ${day(a.felonyReview.dueOn)}` : ""}` : "—"}</td>
                <td>${words(a.fee.status)}</td>
              </tr>`,
            )}</tbody>
          </table></div>
          ${list.nextCursor ? html`<button type="button" onClick=${() => setCursor(list.nextCursor)}>Next page</button>` : null}`
      : null}`;
}

function FelonyForm({ app, onDone }) {
  const [errors, setErrors] = useState({});
  async function decide(decision, form) {
    try {
      await api("POST", `/staff/recertifications/${encodeURIComponent(app.applicationId)}/felony-review`, { decision, reason: form.elements.felonyReason.value });
      setErrors({});
      await onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  }
  return html`<form class="panel decision" onSubmit=${(e) => e.preventDefault()} aria-labelledby="felony-h">
    <h2 id="felony-h">Felony review (R30)</h2>
    <blockquote class="explanation">${app.felonyReview.explanation}</blockquote>
    <p>The decision is due by ${day(app.felonyReview.dueOn)}${app.felonyReview.overdueSince ? html` — <strong>overdue since ${day(app.felonyReview.overdueSince)}</strong>` : ""}.</p>
    ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
    <${Field} id="felonyReason" label="Reason" error=${errors.reason}>
      ${(p) => html`<input ...${p} name="felonyReason" maxlength="2000" />`}
    <//>
    <button type="button" class="primary" onClick=${(e) => decide("CLEARED", e.target.form)}>Clear</button>
    <button type="button" onClick=${(e) => decide("DENIED", e.target.form)}>Deny (rejects the application)</button>
  </form>`;
}

function DecisionForm({ app, onDone }) {
  const [errors, setErrors] = useState({});
  async function decide(decision, form) {
    const reasons = form.elements.decisionReasons.value.split("\n").map((r) => r.trim()).filter(Boolean);
    try {
      await api("POST", `/staff/recertifications/${encodeURIComponent(app.applicationId)}/decision`, { decision, reasons });
      setErrors({});
      await onDone();
    } catch (err) {
      setErrors(fieldErrors(err, { REJECTION_REASONS_REQUIRED: "reasons" }));
    }
  }
  return html`<form class="panel decision" onSubmit=${(e) => e.preventDefault()} aria-labelledby="decision-h">
    <h2 id="decision-h">Decision (R32)</h2>
    <p>${app.route === "EXAM" ? "Approving authorises the applicant to test (R31)." : "Approving recertifies the member as of today (R33)."}</p>
    ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
    <${Field} id="decisionReasons" label="Reasons (one per line; needed to reject)" error=${errors.reasons}>
      ${(p) => html`<textarea ...${p} name="decisionReasons" rows="3" maxlength="2000"></textarea>`}
    <//>
    <button type="button" class="primary" onClick=${(e) => decide("APPROVE", e.target.form)}>Approve</button>
    <button type="button" onClick=${(e) => decide("REJECT", e.target.form)}>Reject</button>
  </form>`;
}

export function RecertApplicationPage({ args }) {
  const applicationId = decodeURIComponent(args[0] || "");
  const read = () => api("GET", `/staff/recertifications/${encodeURIComponent(applicationId)}`);
  const [app, error, reload] = useLoad(read, [applicationId]);
  const [open, setOpen] = useState(null);
  const [moving, setMoving] = useState(false);
  async function decided() {
    setMoving(true);
    try {
      await untilWorkflowMoved(read, app);
    } finally {
      setMoving(false);
      reload();
    }
  }
  if (error) return html`<${Alert} error=${error} />`;
  if (!app) return html`<${Loading} what="Loading the application" />`;
  return html`<h1>Application ${app.applicationId} <small>${app.memberId} · ${app.certificateNumber}</small></h1>
    <p><span class="standing standing-info" data-status=${app.status}>${words(app.status)}</span>
      ${app.route === "CCP" ? "By CCP" : "By exam"} · submitted ${day(app.submittedOn)} · valid until ${day(app.validUntil)} ·
      fee ${money(app.fee.amount, app.fee.currency)} ${words(app.fee.status).toLowerCase()}
      ${app.route === "CCP" ? ` · ${app.pointsClaimed} of ${app.pointsRequired ?? "?"} points claimed` : ""}</p>
    ${app.missing.length ? html`<section class="panel"><h2>Missing</h2><ul class="reasons">${app.missing.map((m) => html`<li><span class="rule">${m.rule}</span> ${m.message}</li>`)}</ul></section>` : null}
    ${app.activities.map(
      (a) => html`<section class="panel" data-activity=${a.activityId} aria-labelledby=${`act-${a.activityId}`}>
        <h2 id=${`act-${a.activityId}`}>${a.title}</h2>
        <p>${words(a.category)} · completed ${day(a.completedOn)} · ${a.points} points</p>
        ${a.documents.length === 0 ? html`<p>No document.</p>` : null}
        ${a.documents.map(
          (d) => html`<div>
            <button type="button" onClick=${() => setOpen(open === d.documentId ? null : d.documentId)} aria-expanded=${open === d.documentId}>
              ${open === d.documentId ? "Hide" : "View"} ${words(d.kind).toLowerCase()} ${d.documentId}
            </button>
            ${open === d.documentId ? html`<${DocumentViewer} documentId=${d.documentId} />` : null}
          </div>`,
        )}
      </section>`,
    )}
    ${app.exam
      ? html`<section class="panel"><h2>Exam</h2><p>Authorisation ${app.exam.authorizationId}, valid until ${day(app.exam.validUntil)}.</p>
          <ul>${app.exam.attempts.map((t) => html`<li>${day(t.takenOn)}: ${t.result}</li>`)}</ul></section>`
      : null}
    ${moving ? html`<p role="status">Decision recorded; the review is moving on…</p>` : null}
    ${!moving && app.status === "FELONY_REVIEW" && app.felonyReview ? html`<${FelonyForm} app=${app} onDone=${decided} />` : null}
    ${!moving && app.status === "AWAITING_STAFF_REVIEW" ? html`<${DecisionForm} app=${app} onDone=${decided} />` : null}
    <section class="panel"><h2>History</h2>
      <ol class="history">${app.history.map((h) => html`<li>${day(h.on)}: ${words(h.event)} — ${h.by}</li>`)}</ol>
    </section>`;
}

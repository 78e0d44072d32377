// The member's recertification (R23, R28-R33): start an application (route choice with
// R23 explained), attach a proof per activity, pay the fee, submit, follow its progress.
import { GROUP_TITLES, Question, readAnswers } from "./eligibility-form.mjs";
import { Alert, Field, Loading, api, config, day, fieldErrors, html, money, untilWorkflowMoved, useLoad, useState, words } from "./lib.mjs";
import { Uploader } from "./uploads.mjs";

const STEP_TEXT = {
  DRAFT: "Not submitted yet: attach your proofs, pay the fee, then submit.",
  INCOMPLETE: "Incomplete: see what is missing below, complete it and submit again.",
  FELONY_REVIEW: "Your felony answer is being reviewed by staff (R30).",
  AWAITING_STAFF_REVIEW: "Complete: staff are reviewing your application (R32).",
  APPROVED: "Approved: your recertification is being recorded.",
  AUTHORIZED_TO_TEST: "Authorised to test: schedule the exam with the exam vendor (R31).",
  REJECTED: "Rejected.",
  RECERTIFIED: "Recertified: your certification is active again (R33).",
  EXPIRED: "Expired: the application was valid for one year from its submission (R29).",
};
const TONE = { RECERTIFIED: "good", REJECTED: "bad", EXPIRED: "bad", INCOMPLETE: "warn", DRAFT: "warn" };
const CODE_FIELDS = {
  RECERT_BY_EXAM_REQUIRED: "route",
  FELONY_EXPLANATION_REQUIRED: "felonyExplanation",
  ELIGIBILITY_ANSWERS_REQUIRED: "_form",
  NOT_RECERTIFICATION_REQUIRED: "_form",
  APPLICATION_ALREADY_OPEN: "_form",
};

async function checkout(invoiceId, applicationId) {
  const cfg = await config();
  const url = new URL(cfg.checkoutUrl, location.origin);
  url.searchParams.set("invoiceId", invoiceId);
  url.searchParams.set("returnUrl", `${location.origin}/portal.html#/recertification/${applicationId}`);
  location.assign(url.toString());
}

export function RecertificationPage({ me, path, args }) {
  const shown = args && args[0] ? decodeURIComponent(args[0]) : null;
  const [status, error] = useLoad(() => api("GET", path("/status")), [shown]);
  if (shown) return html`<h1>Recertification</h1><${Application} me=${me} path=${path} applicationId=${shown} />`;
  if (error) return html`<${Alert} error=${error} />`;
  if (!status) return html`<${Loading} />`;
  const needing = status.certifications.filter((c) => c.recertification);
  return html`<h1>Recertification</h1>
    ${needing.length === 0 ? html`<p>None of your certifications needs recertification.</p>` : null}
    ${needing.map((c) =>
      c.recertification.applicationId
        ? html`<${Application} me=${me} path=${path} applicationId=${c.recertification.applicationId} />`
        : html`<${ApplyForm} c=${c} path=${path} />`,
    )}`;
}

// ------------------------------------------------------------ starting an application

function ActivityRows({ rows, setRows, categories, errors }) {
  const change = (index, name) => (e) =>
    setRows(
      rows.map((r, i) => {
        if (i !== index) return r;
        const next = { ...r, [name]: e.target.value };
        const chosen = name === "category" && categories.categories.find((c) => c.category === e.target.value);
        if (chosen) next.unit = Object.keys(chosen.units)[0];
        return next;
      }),
    );
  return html`<fieldset class="group">
    <legend><h3 class="inline-h">Your CE activities of the last 3 years (R29)</h3></legend>
    ${errors.activities ? html`<p class="error" id="activities-error">${errors.activities}</p>` : null}
    ${rows.map((row, i) => {
      const category = categories.categories.find((c) => c.category === row.category) || categories.categories[0];
      const id = (n) => `act-${i}-${n}`;
      return html`<div class="activity-row" data-activity-row=${i}>
        <div class="row">
          <div class="field"><label for=${id("category")}>Category (activity ${i + 1})</label>
            <select id=${id("category")} value=${row.category} onChange=${change(i, "category")}>
              ${categories.categories.map((c) => html`<option value=${c.category}>${words(c.category)}</option>`)}
            </select></div>
          <div class="field"><label for=${id("title")}>Title (activity ${i + 1})</label>
            <input id=${id("title")} value=${row.title} maxlength="300" onInput=${change(i, "title")} /></div>
        </div>
        <div class="row">
          <div class="field"><label for=${id("completedOn")}>Completed on (activity ${i + 1})</label>
            <input id=${id("completedOn")} type="date" value=${row.completedOn} onInput=${change(i, "completedOn")} /></div>
          <div class="field"><label for=${id("quantity")}>Quantity (activity ${i + 1})</label>
            <input id=${id("quantity")} type="number" min="0" step="0.25" inputmode="decimal" value=${row.quantity} onInput=${change(i, "quantity")} /></div>
          <div class="field"><label for=${id("unit")}>Unit (activity ${i + 1})</label>
            <select id=${id("unit")} value=${row.unit} onChange=${change(i, "unit")}>
              ${Object.keys(category.units).map((u) => html`<option value=${u}>${words(u)}</option>`)}
            </select></div>
          <div class="field"><label for=${id("qualifies")}>Why it qualifies (activity ${i + 1})</label>
            <select id=${id("qualifies")} value=${row.qualifies} onChange=${change(i, "qualifies")}>
              ${categories.qualifies.map((q) => html`<option value=${q}>${words(q)}</option>`)}
            </select></div>
        </div>
        ${rows.length > 1 ? html`<button type="button" onClick=${() => setRows(rows.filter((_, k) => k !== i))}>Remove activity ${i + 1}</button>` : null}
      </div>`;
    })}
    <button type="button" onClick=${() => setRows([...rows, blankActivity()])}>Add another activity</button>
  </fieldset>`;
}

const blankActivity = () => ({ category: "PROFESSIONAL_EDUCATION", title: "", completedOn: "", quantity: "", unit: "CONTACT_HOUR", qualifies: "HEALTHCARE_KNOWLEDGE" });

function ApplyForm({ c, path }) {
  const ccpOpen = c.recertification.routes.includes("CCP");
  const [route, setRoute] = useState(ccpOpen ? "CCP" : "EXAM");
  const [felony, setFelony] = useState(null);
  const [rows, setRows] = useState([blankActivity()]);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [categories, catError] = useLoad(() => api("GET", "/ccp/categories"));
  const [questions, qError] = useLoad(() => api("GET", `/eligibility/${encodeURIComponent(c.type)}`, undefined, { anonymous: true }).catch(() => ({ questions: [] })));
  if (catError || qError) return html`<${Alert} error=${catError || qError} />`;
  if (!categories || !questions) return html`<${Loading} what="Loading the application form" />`;
  const groups = [...new Set(questions.questions.map((q) => q.group))];
  async function submit(e) {
    e.preventDefault();
    const f = e.target.elements;
    const body = {
      certificateNumber: c.certificateNumber,
      route,
      felonyConviction: felony === "yes",
      attestation: { signedName: f.signedName.value, signedOn: f.signedOn.value },
    };
    if (felony === "yes") body.felonyExplanation = f.felonyExplanation.value;
    if (route === "CCP") {
      body.activities = rows.map((r) => ({
        category: r.category, title: r.title, completedOn: r.completedOn || undefined,
        quantity: Number(r.quantity || 0), unit: r.unit, qualifies: r.qualifies,
      }));
    } else {
      body.eligibility = readAnswers(e.target, questions.questions);
    }
    if (felony === null) {
      setErrors({ felonyConviction: "Answer the felony question (R29)." });
      return;
    }
    setBusy(true);
    try {
      const created = await api("POST", path("/recertifications"), body);
      location.assign(`#/recertification/${encodeURIComponent(created.applicationId)}`);
    } catch (err) {
      const found = fieldErrors(err, CODE_FIELDS);
      for (const key of Object.keys(found)) {
        if (key.startsWith("activities") && key !== "activities") {
          found.activities = found.activities ? `${found.activities}; ${found[key]}` : found[key];
          delete found[key];
        }
        if (key.startsWith("attestation.")) {
          found[key.slice("attestation.".length)] = found[key];
          delete found[key];
        }
      }
      if (found._form && /activity \d+:/.test(found._form)) {
        found.activities = found._form;
        delete found._form;
      }
      setErrors(found);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="panel" onSubmit=${submit} noValidate aria-labelledby=${`apply-${c.certificateNumber}`}>
    <h2 id=${`apply-${c.certificateNumber}`}>Apply to recertify ${c.type} · ${c.certificateNumber}</h2>
    ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
    <fieldset class=${`field${errors.route ? " has-error" : ""}`}>
      <legend>How do you want to recertify? (R28)</legend>
      <div class="check">
        <input type="radio" name="route" id="route-ccp" value="CCP" checked=${route === "CCP"} disabled=${!ccpOpen} onChange=${() => setRoute("CCP")} aria-describedby="route-ccp-hint" />
        <label for="route-ccp">By CCP application: your CE points of the last 3 years, a proof for each, and the fee</label>
      </div>
      <p class="hint" id="route-ccp-hint">${ccpOpen
        ? "Staff review every complete application (R32)."
        : "Not offered: your certification lapsed 10 years or more ago, so only recertification by exam is open to you (R23)."}</p>
      <div class="check">
        <input type="radio" name="route" id="route-exam" value="EXAM" checked=${route === "EXAM"} onChange=${() => setRoute("EXAM")} />
        <label for="route-exam">By exam: meet the current eligibility criteria, pay the fee, then take the exam (R31)</label>
      </div>
      ${errors.route ? html`<p class="error">${errors.route}</p>` : null}
    </fieldset>
    ${route === "CCP"
      ? html`<${ActivityRows} rows=${rows} setRows=${setRows} categories=${categories} errors=${errors} />`
      : html`<fieldset class="group"><legend><h3 class="inline-h">Eligibility on the current criteria (R31)</h3></legend>
          ${groups.length === 0 ? html`<p>Staff judge the eligibility for this certification type.</p>` : null}
          ${groups.map(
            (g) => html`<fieldset class="group"><legend>${GROUP_TITLES[g] || words(g)}</legend>
              ${questions.questions.filter((q) => q.group === g).map((q) => html`<${Question} q=${q} />`)}
            </fieldset>`,
          )}
        </fieldset>`}
    <fieldset class=${`field${errors.felonyConviction ? " has-error" : ""}`}>
      <legend>Have you ever been convicted of a felony?</legend>
      <div class="inline">
        <span class="check"><input type="radio" id="felonyConviction-yes" name="felonyConviction" value="yes" onChange=${() => setFelony("yes")} /><label for="felonyConviction-yes">Yes</label></span>
        <span class="check"><input type="radio" id="felonyConviction-no" name="felonyConviction" value="no" onChange=${() => setFelony("no")} /><label for="felonyConviction-no">No</label></span>
      </div>
      <p class="hint">A yes sends the application to a review by staff first; it never fails it by itself (R30).</p>
      ${errors.felonyConviction ? html`<p class="error">${errors.felonyConviction}</p>` : null}
    </fieldset>
    ${felony === "yes"
      ? html`<${Field} id="felonyExplanation" label="Explain the conviction" error=${errors.felonyExplanation}>
          ${(p) => html`<textarea ...${p} name="felonyExplanation" maxlength="2000" rows="3"></textarea>`}
        <//>`
      : null}
    <div class="row">
      <${Field} id="signedName" label="Signed by (your full name)" error=${errors.signedName}>
        ${(p) => html`<input ...${p} name="signedName" autocomplete="name" />`}
      <//>
      <${Field} id="signedOn" label="Signed on" error=${errors.signedOn}>
        ${(p) => html`<input ...${p} name="signedOn" type="date" />`}
      <//>
    </div>
    <p>By signing you attest that this application is true and complete (R29).</p>
    <button type="submit" class="primary" disabled=${busy}>Start the application</button>
  </form>`;
}

// ------------------------------------------------------------ following an application

function Application({ me, path, applicationId }) {
  const read = () => api("GET", path(`/recertifications/${encodeURIComponent(applicationId)}`));
  const [app, error, reload] = useLoad(read, [applicationId]);
  const [problem, setProblem] = useState(null);
  const [done, setDone] = useState(null);
  if (error) return html`<${Alert} error=${error} />`;
  if (!app) return html`<${Loading} what="Loading the application" />`;
  const editable = app.status === "DRAFT" || app.status === "INCOMPLETE";
  async function submit() {
    setProblem(null);
    setDone(null);
    try {
      await api("POST", path(`/recertifications/${encodeURIComponent(applicationId)}/submit`));
      const checked = await untilWorkflowMoved(read, app);
      setDone(`Submitted: ${words(checked.status)}.`);
      reload();
    } catch (err) {
      setProblem(fieldErrors(err)._form || err.message);
    }
  }
  return html`<section class="panel" data-application=${app.applicationId} aria-labelledby=${`app-${app.applicationId}`}>
    <header class="panel-head">
      <h2 id=${`app-${app.applicationId}`}>Application ${app.applicationId} · ${app.certificateNumber}</h2>
      <span class=${`standing standing-${TONE[app.status] || "info"}`} data-status=${app.status}>${words(app.status)}</span>
    </header>
    <p>${STEP_TEXT[app.status] || ""}</p>
    <dl class="facts">
      <dt>Route</dt><dd>${app.route === "CCP" ? "By CCP application" : "By exam"}</dd>
      <dt>Submitted</dt><dd>${app.submittedOn ? day(app.submittedOn) : "not yet"}</dd>
      <dt>Valid until</dt><dd>${day(app.validUntil)}</dd>
      ${app.route === "CCP" ? html`<dt>Points</dt><dd>${app.pointsClaimed}${app.pointsRequired !== null ? ` of ${app.pointsRequired} required` : ""}</dd>` : null}
      <dt>Fee</dt><dd>${money(app.fee.amount, app.fee.currency)} — ${words(app.fee.status)}${app.fee.paidAt ? ` on ${day(app.fee.paidAt)}` : ""}</dd>
      ${app.felonyReview ? html`<dt>Felony review</dt><dd>${words(app.felonyReview.status)}${app.felonyReview.decidedOn ? ` on ${day(app.felonyReview.decidedOn)}` : app.felonyReview.dueOn ? ` — decision due by ${day(app.felonyReview.dueOn)}` : ""}</dd>` : null}
    </dl>
    ${app.missing.length
      ? html`<section aria-labelledby=${`missing-${app.applicationId}`}>
          <h3 id=${`missing-${app.applicationId}`}>What is missing</h3>
          <ul class="reasons">${app.missing.map((m) => html`<li data-missing=${m.code}><span class="rule">${m.rule}</span> ${m.message}</li>`)}</ul>
        </section>`
      : null}
    ${app.fee.status === "OPEN"
      ? html`<p><button type="button" class="primary" data-pay=${app.fee.invoiceId} onClick=${() => checkout(app.fee.invoiceId, app.applicationId)}>Pay the application fee (${money(app.fee.amount, app.fee.currency)})</button></p>`
      : null}
    ${app.activities.length
      ? html`<div class="table-wrap" tabindex="0"><table>
          <caption>Activities of the application</caption>
          <thead><tr><th scope="col">Activity</th><th scope="col">Completed</th><th scope="col">Points</th><th scope="col">Documents</th></tr></thead>
          <tbody>${app.activities.map(
            (a) => html`<tr data-activity=${a.activityId}>
              <td>${a.title}<br /><small>${words(a.category)}</small></td>
              <td>${day(a.completedOn)}</td>
              <td>${a.points}</td>
              <td>
                ${a.documents.length
                  ? html`<ul>${a.documents.map((d) => html`<li>${words(d.kind)}: ${words(d.status)}</li>`)}</ul>`
                  : html`<p><span aria-hidden="true">!</span> No proof yet</p>`}
                ${editable
                  ? html`<${Uploader}
                      id=${`proof-${a.activityId}`}
                      label=${a.title}
                      memberId=${me.memberId}
                      kinds=${a.category === "EMPLOYMENT" ? ["EMPLOYMENT_VERIFICATION", "PROOF"] : ["PROOF"]}
                      request=${{ purpose: "RECERTIFICATION", applicationId: app.applicationId, itemId: a.activityId }}
                      onDone=${reload}
                    />`
                  : null}
              </td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : null}
    ${app.exam
      ? html`<section aria-labelledby=${`exam-${app.applicationId}`}>
          <h3 id=${`exam-${app.applicationId}`}>Exam</h3>
          <p>Authorisation ${app.exam.authorizationId}, valid until ${day(app.exam.validUntil)}. Give this number to the exam vendor when you schedule your exam.</p>
          ${app.exam.attempts.length
            ? html`<ul>${app.exam.attempts.map((t) => html`<li>${day(t.takenOn)}: ${t.result === "PASS" ? "passed" : "not passed"}</li>`)}</ul>`
            : html`<p>No attempt yet.</p>`}
        </section>`
      : null}
    ${problem ? html`<${Alert}>${problem}<//>` : null}
    ${done ? html`<p class="ok" role="status">${done}</p>` : null}
    ${editable ? html`<button type="button" class="primary" data-submit=${app.applicationId} onClick=${submit}>${app.status === "DRAFT" ? "Submit the application" : "Submit again"}</button>` : null}
    <details>
      <summary>History</summary>
      <ol class="history">${app.history.map((h) => html`<li>${day(h.on)}: ${words(h.event)}</li>`)}</ol>
    </details>
  </section>`;
}

// The member portal: status first, then invoices, CE, audit case, recertification, contact.
import {
  Alert,
  Badge,
  Field,
  Header,
  Loading,
  Progress,
  api,
  config,
  day,
  fieldErrors,
  html,
  money,
  render,
  requireSession,
  useLoad,
  useRoute,
  useState,
  words,
} from "./lib.mjs";
import { extraPages, extraNav } from "./portal-extra.mjs";

let me = null;
const path = (suffix) => `/members/${encodeURIComponent(me.memberId)}${suffix}`;

const ACTION_LABEL = {
  PAY_INVOICE: "Pay now",
  RECORD_POINTS: "Record CE activities",
  RECERTIFY: "Start recertification",
  UPLOAD_AUDIT_DOCUMENTS: "Open the audit case",
  SUBMIT_AUDIT_CASE: "Submit the audit case",
  PAY_APPLICATION_FEE: "Pay the application fee",
  UPLOAD_RECERTIFICATION_DOCUMENTS: "Attach proofs",
  SUBMIT_APPLICATION: "Open the application",
  WAIT_FOR_REVIEW: "Follow the application",
  SCHEDULE_EXAM: "See the exam authorisation",
};

async function startCheckout(invoiceId) {
  const cfg = await config();
  const url = new URL(cfg.checkoutUrl, location.origin);
  url.searchParams.set("invoiceId", invoiceId);
  url.searchParams.set("returnUrl", `${location.origin}/portal.html#/status`);
  location.assign(url.toString());
}

function actionTarget(action) {
  if (action.action === "PAY_INVOICE" || action.action === "PAY_APPLICATION_FEE") return () => startCheckout(action.invoiceId);
  if (action.action === "RECORD_POINTS") return () => location.assign("#/ce");
  if (action.action === "UPLOAD_AUDIT_DOCUMENTS" || action.action === "SUBMIT_AUDIT_CASE") return () => location.assign("#/audit");
  if (action.applicationId) return () => location.assign(`#/recertification/${encodeURIComponent(action.applicationId)}`);
  return () => location.assign("#/recertification");
}

// ------------------------------------------------------------ status (R37, R24)

function Certification({ c }) {
  const cycle = c.cycle;
  return html`<article class="panel certification" aria-labelledby=${`cert-${c.certificateNumber}`}>
    <header class="panel-head">
      <h2 id=${`cert-${c.certificateNumber}`}>${c.type} · ${c.certificateNumber}</h2>
      <${Badge} status=${c.status} />
    </header>
    ${c.reasons.length
      ? html`<section aria-label="Why">
          <h3>Why</h3>
          <ul class="reasons">
            ${c.reasons.map(
              (r) => html`<li><span class="rule">${r.rule}</span> ${r.message}${r.since ? html` <span class="since">(since ${day(r.since)})</span>` : null}</li>`,
            )}
          </ul>
        </section>`
      : html`<p class="ok">Your certification is in good standing.</p>`}
    ${c.nextActions.length
      ? html`<section aria-label="What to do next">
          <h3>What to do next</h3>
          <ul class="actions">
            ${c.nextActions.map(
              (a) => html`<li>
                <button type="button" class="primary" data-action=${a.action} onClick=${actionTarget(a)}>
                  ${ACTION_LABEL[a.action] || words(a.action)}${a.amount ? ` (${money(a.amount)})` : ""}
                </button>
                <span class="action-text">${a.message}</span>
              </li>`,
            )}
          </ul>
        </section>`
      : null}
    <section aria-label="CCP cycle">
      <h3>CCP cycle ${day(cycle.start)} – ${day(cycle.end)}</h3>
      <p>CCP is ${c.ccp === "MANDATORY" ? "mandatory" : "voluntary"} for you. ${cycle.compliant ? "This cycle is compliant." : `${cycle.pointsOutstanding} points still needed.`} ${cycle.daysLeft} days left.</p>
      <${Progress} value=${cycle.pointsCounted} max=${cycle.pointsRequired} label="CCP points counted in this cycle" />
    </section>
    <dl class="facts">
      <dt>Paid through</dt><dd>${day(c.paidThrough)}</dd>
      ${c.nextInvoice
        ? html`<dt>Next invoice</dt><dd>${money(c.nextInvoice.amount)} due ${day(c.nextInvoice.dueDate)} (${words(c.nextInvoice.status)})</dd>`
        : null}
      ${c.audit
        ? html`<dt>Audit</dt><dd>${words(c.audit.status)} — respond by ${day(c.audit.respondBy)}</dd>`
        : null}
      ${c.recertification && c.recertification.applicationStatus
        ? html`<dt>Recertification application</dt><dd>${words(c.recertification.applicationStatus)}</dd>`
        : null}
      ${c.badge && c.badge.state !== "NONE"
        ? html`<dt>Digital badge</dt><dd>${c.badge.url && c.badge.state === "ISSUED" ? html`<a href=${c.badge.url} rel="noopener">View your ${c.type} badge (${words(c.badge.state)})</a>` : words(c.badge.state)}${c.badge.expiresAt && c.badge.state === "ISSUED" ? ` — expires ${day(c.badge.expiresAt)}` : ""}</dd>`
        : null}
    </dl>
  </article>`;
}

function StatusPage() {
  const [status, error] = useLoad(() => api("GET", path("/status")));
  if (error) return html`<${Alert} error=${error} />`;
  if (!status) return html`<${Loading} what="Loading your status" />`;
  return html`<h1>Your status</h1>
    <p class="as-of">As of ${day(status.asOf)}</p>
    ${status.certifications.map((c) => html`<${Certification} c=${c} />`)}`;
}

// ------------------------------------------------------------ invoices (R6)

function InvoicesPage() {
  const [data, error] = useLoad(() => api("GET", path("/invoices")));
  const [receipt, setReceipt] = useState(null);
  if (error) return html`<${Alert} error=${error} />`;
  if (!data) return html`<${Loading} what="Loading invoices" />`;
  return html`<h1>Invoices</h1>
    ${data.invoices.length === 0
      ? html`<p>You have no invoices.</p>`
      : html`<div class="table-wrap" tabindex="0"><table>
          <caption>Your annual fee invoices, oldest first</caption>
          <thead><tr><th scope="col">Year</th><th scope="col">Certificate</th><th scope="col">Amount</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            ${data.invoices.map(
              (i) => html`<tr data-invoice=${i.invoiceId}>
                <td>${i.membershipYear}</td>
                <td>${i.certificateNumber}</td>
                <td>${money(i.amount, i.currency)}</td>
                <td>${day(i.dueDate)}</td>
                <td><span class=${`pill pill-${i.status.toLowerCase()}`}>${words(i.status)}</span>${i.paidAt ? ` on ${day(i.paidAt)}` : ""}</td>
                <td>
                  ${i.status === "OPEN"
                    ? html`<button type="button" class="primary" onClick=${() => startCheckout(i.invoiceId)}>Pay online</button>`
                    : null}
                  ${i.status === "PAID"
                    ? html`<button type="button" onClick=${() => setReceipt(i)}>Receipt</button>`
                    : null}
                </td>
              </tr>`,
            )}
          </tbody>
        </table></div>`}
    ${receipt
      ? html`<section class="panel receipt" aria-labelledby="receipt-h">
          <h2 id="receipt-h">Receipt</h2>
          <dl class="facts">
            <dt>Invoice</dt><dd>${receipt.invoiceId}</dd>
            <dt>Certificate</dt><dd>${receipt.certificateNumber}</dd>
            <dt>Membership year</dt><dd>${receipt.membershipYear}</dd>
            <dt>Amount paid</dt><dd>${money(receipt.amount, receipt.currency)}</dd>
            <dt>Paid on</dt><dd>${day(receipt.paidAt)}</dd>
          </dl>
          <button type="button" onClick=${() => print()}>Print</button>
          <button type="button" onClick=${() => setReceipt(null)}>Close</button>
        </section>`
      : null}`;
}

// ------------------------------------------------------------ CE (R10-R14, R18)

const CODE_FIELDS = {
  INVALID_CATEGORY: "category",
  EXAM_NOT_VALID_FOR_CCP: "category",
  INVALID_UNIT: "unit",
  INVALID_QUANTITY: "quantity",
  QUANTITY_ROUNDED_DOWN: "quantity",
  ACTIVITY_DATE_MISSING: "completedOn",
  ACTIVITY_BEFORE_CYCLE_START: "completedOn",
  ACTIVITY_AFTER_CYCLE_END: "completedOn",
  ACTIVITY_IN_FUTURE: "completedOn",
  ACTIVITY_PERIOD_INVALID: "periodStart",
  EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020: "periodStart",
  QUALIFICATION_NOT_AFFIRMED: "qualifies",
  NOT_FIRST_DELIVERY: "firstDelivery",
  CERTIFICATE_NUMBER_REQUIRED: "certificateNumber",
};

const QUALIFIES_TEXT = {
  JOB_PERFORMANCE: "It helps me do my health-care job better",
  HEALTHCARE_KNOWLEDGE: "It advances my health-care knowledge",
  ADVANCEMENT_PREPARATION: "It prepares me for advanced management or a health-care degree",
};

function ActivityForm({ categories, certificates, onRecorded }) {
  const [form, setForm] = useState({ category: "PROFESSIONAL_EDUCATION", unit: "CONTACT_HOUR" });
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  // One Idempotency-Key per activity meant: kept while the same submission is retried
  // (a lost answer, an error to fix), a new one once it is recorded (R13, OpenAPI).
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const category = categories.categories.find((c) => c.category === form.category);
  const period = category && category.datedBy === "PERIOD";
  const set = (name) => (e) => {
    const value = e.target.type === "checkbox" ? e.target.checked : e.target.value;
    const next = { ...form, [name]: value };
    if (name === "category") {
      const chosen = categories.categories.find((c) => c.category === value);
      next.unit = chosen ? Object.keys(chosen.units)[0] : "";
    }
    setForm(next);
  };
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setDone(null);
    const body = {
      category: form.category,
      unit: form.unit,
      title: form.title || "",
      provider: form.provider || "",
      quantity: Number(form.quantity || 0),
      qualifies: form.qualifies || "",
    };
    if (certificates.length > 1) body.certificateNumber = form.certificateNumber || certificates[0];
    if (period) {
      if (form.periodStart) body.periodStart = form.periodStart;
      if (form.periodEnd) body.periodEnd = form.periodEnd;
    } else if (form.completedOn) body.completedOn = form.completedOn;
    if (category && category.firstDeliveryOnly) body.firstDelivery = Boolean(form.firstDelivery);
    try {
      const recorded = await api("POST", path("/activities"), body, {
        headers: { "Idempotency-Key": idempotencyKey },
      });
      setIdempotencyKey(crypto.randomUUID());
      setErrors({});
      setDone(recorded);
      setForm({ category: form.category, unit: form.unit });
      e.target.reset();
      onRecorded();
    } catch (error) {
      const found = fieldErrors(error, CODE_FIELDS);
      if (period && found.completedOn) {
        found.periodEnd = found.completedOn;
        delete found.completedOn;
      }
      setErrors(found);
      const first = e.target.querySelector("[aria-invalid=true]");
      if (first) first.focus();
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="panel" onSubmit=${submit} noValidate aria-labelledby="record-h">
    <h2 id="record-h">Record an activity</h2>
    ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
    ${done
      ? html`<div role="status"><p class="ok">Recorded: ${done.title}, ${done.pointsCounted} points counted${done.capped ? " (capped)" : ""}.</p>
          ${(done.warnings || []).map((w) => html`<p class="notice">${w.message} (${w.rule})</p>`)}</div>`
      : null}
    ${certificates.length > 1
      ? html`<${Field} id="certificateNumber" label="Certification" error=${errors.certificateNumber}>
          ${(p) => html`<select ...${p} onChange=${set("certificateNumber")}>${certificates.map((n) => html`<option value=${n}>${n}</option>`)}</select>`}
        <//>`
      : null}
    <${Field} id="category" label="Category" error=${errors.category} hint="R10: one category per activity.">
      ${(p) => html`<select ...${p} value=${form.category} onChange=${set("category")}>
        ${categories.categories.map((c) => html`<option value=${c.category}>${words(c.category)}</option>`)}
      </select>`}
    <//>
    <${Field} id="title" label="Title" error=${errors.title}>
      ${(p) => html`<input ...${p} name="title" maxlength="300" onInput=${set("title")} />`}
    <//>
    <${Field} id="provider" label="Provider (optional)" error=${errors.provider}>
      ${(p) => html`<input ...${p} name="provider" maxlength="300" onInput=${set("provider")} />`}
    <//>
    <div class="row">
      <${Field} id="quantity" label="Quantity" error=${errors.quantity} hint="R11: rounded down to a quarter.">
        ${(p) => html`<input ...${p} name="quantity" type="number" step="0.25" min="0" inputmode="decimal" onInput=${set("quantity")} />`}
      <//>
      <${Field} id="unit" label="Unit" error=${errors.unit}
        hint=${category ? Object.entries(category.units).map(([u, r]) => `${words(u)}: ${r} points`).join("; ") : ""}>
        ${(p) => html`<select ...${p} value=${form.unit} onChange=${set("unit")}>
          ${category ? Object.keys(category.units).map((u) => html`<option value=${u}>${words(u)}</option>`) : null}
        </select>`}
      <//>
    </div>
    ${period
      ? html`<div class="row">
          <${Field} id="periodStart" label="Period start" error=${errors.periodStart} hint="R14: employment counts only up to 2020-12-31.">
            ${(p) => html`<input ...${p} name="periodStart" type="date" onInput=${set("periodStart")} />`}
          <//>
          <${Field} id="periodEnd" label="Period end" error=${errors.periodEnd}>
            ${(p) => html`<input ...${p} name="periodEnd" type="date" onInput=${set("periodEnd")} />`}
          <//>
        </div>`
      : html`<${Field} id="completedOn" label="Completed on" error=${errors.completedOn} hint="R12: inside your current cycle, not in the future.">
          ${(p) => html`<input ...${p} name="completedOn" type="date" onInput=${set("completedOn")} />`}
        <//>`}
    ${category && category.firstDeliveryOnly
      ? html`<div class=${`field check${errors.firstDelivery ? " has-error" : ""}`}>
          <input type="checkbox" id="firstDelivery" onChange=${set("firstDelivery")} aria-describedby=${errors.firstDelivery ? "firstDelivery-error" : undefined} />
          <label for="firstDelivery">This was my first delivery of this presentation</label>
          ${errors.firstDelivery ? html`<p class="error" id="firstDelivery-error">${errors.firstDelivery}</p>` : null}
        </div>`
      : null}
    <fieldset class=${`field${errors.qualifies ? " has-error" : ""}`} aria-describedby=${errors.qualifies ? "qualifies-error" : undefined}>
      <legend>Why it qualifies (R10)</legend>
      ${categories.qualifies.map(
        (q) => html`<div class="check">
          <input type="radio" name="qualifies" id=${`q-${q}`} value=${q} onChange=${set("qualifies")} aria-invalid=${errors.qualifies ? "true" : undefined} />
          <label for=${`q-${q}`}>${QUALIFIES_TEXT[q] || words(q)}</label>
        </div>`,
      )}
      ${errors.qualifies ? html`<p class="error" id="qualifies-error">${errors.qualifies}</p>` : null}
    </fieldset>
    <button type="submit" class="primary" disabled=${busy}>Record activity</button>
  </form>`;
}

function AttestationForm({ categories, certificates, onFiled }) {
  const [errors, setErrors] = useState({});
  const [filed, setFiled] = useState(null);
  async function submit(e) {
    e.preventDefault();
    const f = e.target.elements;
    const points = {};
    for (const c of categories.categories) {
      const v = f[`att-${c.category}`].value;
      if (v !== "") points[c.category] = Number(v);
    }
    const body = { pointsByCategory: points, signedBy: f.signedBy.value, affirmed: f.affirmed.checked };
    if (certificates.length > 1) body.certificateNumber = f.attCertificate.value;
    try {
      setFiled(await api("POST", path("/attestations"), body));
      setErrors({});
      onFiled();
    } catch (error) {
      setErrors(fieldErrors(error, { ATTESTATION_AFTER_CYCLE_END: "_form", ATTESTATION_ALREADY_FILED: "_form" }));
    }
  }
  return html`<details class="panel">
    <summary><h2 class="inline-h">File an attestation instead (R18)</h2></summary>
    <form onSubmit=${submit} noValidate>
      <p>Claim your points per category for the current cycle, up to its last day. An attested cycle may be audited like any other.</p>
      ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
      ${filed ? html`<p class="ok" role="status">Attestation filed: ${filed.pointsClaimed} points for ${day(filed.cycleStart)} – ${day(filed.cycleEnd)}.</p>` : null}
      ${certificates.length > 1
        ? html`<div class="field"><label for="attCertificate">Certification</label><select id="attCertificate">${certificates.map((n) => html`<option>${n}</option>`)}</select></div>`
        : null}
      <div class="grid">
        ${categories.categories.map(
          (c) => html`<div class="field"><label for=${`att-${c.category}`}>${words(c.category)} (points)</label>
            <input id=${`att-${c.category}`} type="number" min="0" step="0.25" inputmode="decimal" /></div>`,
        )}
      </div>
      <${Field} id="signedBy" label="Signed by (your full name)" error=${errors.signedBy}>
        ${(p) => html`<input ...${p} autocomplete="name" />`}
      <//>
      <div class=${`field check${errors.affirmed ? " has-error" : ""}`}>
        <input type="checkbox" id="affirmed" />
        <label for="affirmed">I affirm this attestation is true and complete</label>
        ${errors.affirmed ? html`<p class="error">${errors.affirmed}</p>` : null}
      </div>
      <button type="submit">File attestation</button>
    </form>
  </details>`;
}

function ActivityList({ which, setWhich, data }) {
  const byCycle = new Map();
  for (const a of data.activities) {
    const key = `${a.cycleStart || ""}|${a.cycleEnd || ""}`;
    if (!byCycle.has(key)) byCycle.set(key, []);
    byCycle.get(key).push(a);
  }
  return html`<section class="panel" aria-labelledby="list-h">
    <h2 id="list-h">Your activities</h2>
    <div class="toggle" role="group" aria-label="Which cycle">
      <button type="button" aria-pressed=${which === "current"} onClick=${() => setWhich("current")}>Current cycle</button>
      <button type="button" aria-pressed=${which === "all"} onClick=${() => setWhich("all")}>All cycles</button>
    </div>
    ${data.activities.length === 0 ? html`<p>No activities recorded yet.</p>` : null}
    ${[...byCycle.entries()].map(([key, items]) => {
      const [start, end] = key.split("|");
      const total = items.reduce((s, a) => s + a.pointsCounted, 0);
      return html`<div class="table-wrap" tabindex="0"><table>
        <caption>Cycle ${day(start)} – ${day(end)}: ${total} points counted</caption>
        <thead><tr><th scope="col">Date</th><th scope="col">Activity</th><th scope="col">Category</th><th scope="col">Points</th><th scope="col">Source</th></tr></thead>
        <tbody>${items.map(
          (a) => html`<tr>
            <td>${day(a.completedOn || a.periodEnd)}</td>
            <td>${a.title}${a.provider ? html`<br /><small>${a.provider}</small>` : null}</td>
            <td>${words(a.category)}</td>
            <td>${a.pointsCounted}${a.capped ? " (capped)" : ""}${a.flags.length ? html`<br /><small>${a.flags.map(words).join(", ")}</small>` : null}</td>
            <td>${words(a.source)}${a.verified ? " · verified" : ""}</td>
          </tr>`,
        )}</tbody>
      </table></div>`;
    })}
  </section>`;
}

function CePage() {
  const [which, setWhich] = useState("current");
  const [categories, catError] = useLoad(() => api("GET", "/ccp/categories"));
  const [status] = useLoad(() => api("GET", path("/status")));
  const [list, listError, reload] = useLoad(() => api("GET", path(`/activities?cycle=${which}`)), [which]);
  if (catError || listError) return html`<${Alert} error=${catError || listError} />`;
  if (!categories || !status) return html`<${Loading} what="Loading" />`;
  const certificates = status.certifications.map((c) => c.certificateNumber);
  return html`<h1>Continuing education (CCP)</h1>
    <${ActivityForm} categories=${categories} certificates=${certificates} onRecorded=${reload} />
    <${AttestationForm} categories=${categories} certificates=${certificates} onFiled=${reload} />
    ${list ? html`<${ActivityList} which=${which} setWhich=${setWhich} data=${list} />` : html`<${Loading} />`}`;
}

// ------------------------------------------------------------ contact details

function ContactPage() {
  const [contact, error, reload] = useLoad(() => api("GET", path("/contact")));
  const [errors, setErrors] = useState({});
  const [saved, setSaved] = useState(null);
  if (error) return html`<${Alert} error=${error} />`;
  if (!contact) return html`<${Loading} />`;
  const a = contact.address || {};
  async function submit(e) {
    e.preventDefault();
    const f = e.target.elements;
    const body = {
      email: f.email.value.trim(),
      address: {
        line1: f.line1.value, line2: f.line2.value, city: f.city.value,
        state: f.state.value, postalCode: f.postalCode.value, country: f.country.value || "US",
      },
    };
    try {
      const answer = await api("PATCH", path("/contact"), body);
      setErrors({});
      setSaved(answer.changed);
      reload();
    } catch (err) {
      const found = fieldErrors(err);
      const flat = {};
      for (const [k, v] of Object.entries(found)) flat[k.replace(/^address\./, "")] = v;
      setErrors(flat);
    }
  }
  const input = (id, label, value, extra = {}) => html`<${Field} id=${id} label=${label} error=${errors[id]}>
    ${(p) => html`<input ...${p} name=${id} value=${value || ""} ...${extra} />`}
  <//>`;
  return html`<h1>Contact details</h1>
    <form class="panel" onSubmit=${submit} noValidate>
      <p>${contact.firstName} ${contact.lastName} (${contact.memberId}). Notices go to this email and address.</p>
      ${errors._form || errors.address ? html`<${Alert}>${errors._form || errors.address}<//>` : null}
      ${saved ? html`<p class="ok" role="status">${saved.length ? `Saved: ${saved.map(words).join(", ")} updated.` : "Nothing changed."}</p>` : null}
      ${input("email", "Email", contact.email, { type: "email", autocomplete: "email" })}
      ${input("line1", "Address line 1", a.line1, { autocomplete: "address-line1" })}
      ${input("line2", "Address line 2 (optional)", a.line2, { autocomplete: "address-line2" })}
      <div class="row">
        ${input("city", "City", a.city, { autocomplete: "address-level2" })}
        ${input("state", "State", a.state, { autocomplete: "address-level1" })}
        ${input("postalCode", "ZIP / postal code", a.postalCode, { autocomplete: "postal-code" })}
        ${input("country", "Country (2 letters)", a.country || "US", { autocomplete: "country", maxlength: 2 })}
      </div>
      <button type="submit" class="primary">Save</button>
    </form>`;
}

// ------------------------------------------------------------ the app

const PAGES = {
  status: StatusPage,
  invoices: InvoicesPage,
  ce: CePage,
  contact: ContactPage,
  ...extraPages,
};

function Portal() {
  const [name, ...args] = useRoute("status");
  const Page = PAGES[name] || StatusPage;
  const nav = [
    ["#/status", "Status"],
    ["#/invoices", "Invoices"],
    ["#/ce", "CE"],
    ...extraNav,
    ["#/contact", "Contact details"],
  ];
  return html`<${Header} title="Member portal" nav=${nav} who=${`Member ${me.memberId}`} />
    <main id="main" tabindex="-1"><${Page} args=${args} me=${me} path=${path} /></main>`;
}

requireSession("member").then((current) => {
  me = current;
  render(html`<${Portal} />`, document.getElementById("app"));
});

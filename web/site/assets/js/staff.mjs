// The staff console: member search, a member's whole record, record a payment,
// the review queues, dashboards.
import {
  Alert,
  Badge,
  Field,
  Header,
  Loading,
  api,
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
import { DashboardPage } from "./dashboard.mjs";
import { staffExtraNav, staffExtraPages } from "./staff-extra.mjs";

let me = null;

function SearchPage() {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const [query, setQuery] = useState(params.get("q") || "");
  const [result, error] = useLoad(
    () => (query ? api("GET", `/staff/members?query=${encodeURIComponent(query)}`) : Promise.resolve(null)),
    [query],
  );
  function submit(e) {
    e.preventDefault();
    const q = e.target.elements.q.value.trim();
    history.replaceState(null, "", `#/search?q=${encodeURIComponent(q)}`);
    setQuery(q);
  }
  return html`<h1>Find a member</h1>
    <form class="panel search" role="search" onSubmit=${submit}>
      <label for="q">Last name, "last first", email, member id or certificate number</label>
      <div class="inline">
        <input id="q" name="q" type="search" value=${query} required maxlength="100" autocomplete="off" />
        <button type="submit" class="primary">Search</button>
      </div>
    </form>
    <${Alert} error=${error} />
    ${result
      ? result.members.length === 0
        ? html`<p role="status">No member matches “${result.query}”.</p>`
        : html`<div class="table-wrap" tabindex="0"><table>
            <caption>${result.members.length} member(s) matching “${result.query}”</caption>
            <thead><tr><th scope="col">Member</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Certificates</th></tr></thead>
            <tbody>${result.members.map(
              (m) => html`<tr>
                <td><a href=${`#/member/${encodeURIComponent(m.memberId)}`}>${m.memberId}</a></td>
                <td>${m.lastName}, ${m.firstName}</td>
                <td>${m.email || "—"}</td>
                <td>${m.certificates.join(", ")}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
      : null}`;
}

function PaymentForm({ invoice, onRecorded }) {
  const [errors, setErrors] = useState({});
  const [open, setOpen] = useState(false);
  if (!open) return html`<button type="button" onClick=${() => setOpen(true)}>Record a payment</button>`;
  async function submit(e) {
    e.preventDefault();
    const f = e.target.elements;
    try {
      await api("POST", `/staff/invoices/${encodeURIComponent(invoice.invoiceId)}/payments`, {
        amount: Number(f.amount.value),
        method: f.method.value,
        reference: f.reference.value,
      });
      setOpen(false);
      onRecorded();
    } catch (error) {
      setErrors(fieldErrors(error, { INVOICE_ALREADY_PAID: "_form", INVOICE_VOID: "_form", FEE_NOT_REFUNDABLE: "amount" }));
    }
  }
  const id = (name) => `${name}-${invoice.invoiceId}`;
  return html`<form class="payment" onSubmit=${submit} noValidate aria-label=${`Payment for ${invoice.invoiceId}`}>
    ${errors._form ? html`<${Alert}>${errors._form}<//>` : null}
    <${Field} id=${id("amount")} label="Amount" error=${errors.amount}>
      ${(p) => html`<input ...${p} name="amount" type="number" step="0.01" value=${invoice.amount} />`}
    <//>
    <${Field} id=${id("method")} label="Method" error=${errors.method}>
      ${(p) => html`<select ...${p} name="method">${["CHECK", "CARD", "MONEY_ORDER", "OTHER"].map((m) => html`<option value=${m}>${words(m)}</option>`)}</select>`}
    <//>
    <${Field} id=${id("reference")} label="Reference (check number…)" error=${errors.reference}>
      ${(p) => html`<input ...${p} name="reference" maxlength="200" />`}
    <//>
    <button type="submit" class="primary">Save payment</button>
    <button type="button" onClick=${() => setOpen(false)}>Cancel</button>
  </form>`;
}

function MemberPage({ args }) {
  const memberId = decodeURIComponent(args[0] || "");
  const [record, error, reload] = useLoad(() => api("GET", `/staff/members/${encodeURIComponent(memberId)}`), [memberId]);
  if (error) return html`<${Alert} error=${error} />`;
  if (!record) return html`<${Loading} what="Loading the member" />`;
  const c = record.contact;
  const a = c.address;
  return html`<h1>${c.firstName} ${c.lastName} <small>${c.memberId}</small></h1>
    <section class="panel" aria-labelledby="contact-h">
      <h2 id="contact-h">Contact</h2>
      <dl class="facts">
        <dt>Email</dt><dd>${c.email || "none (R4: letters only)"}</dd>
        <dt>Address</dt><dd>${a ? `${a.line1}${a.line2 ? `, ${a.line2}` : ""}, ${a.city}, ${a.state} ${a.postalCode} ${a.country}` : "none (R4: POSTAL_ADDRESS_MISSING)"}</dd>
      </dl>
      ${record.contactChanges.length
        ? html`<p>Contact changes: ${record.contactChanges.map((x) => `${x.changedAt.slice(0, 10)} by ${words(x.changedBy)} (${x.fields.join(", ")})`).join("; ")}</p>`
        : null}
    </section>
    ${record.status.certifications.map(
      (cert) => html`<section class="panel" aria-labelledby=${`s-${cert.certificateNumber}`}>
        <header class="panel-head"><h2 id=${`s-${cert.certificateNumber}`}>${cert.type} · ${cert.certificateNumber}</h2><${Badge} status=${cert.status} /></header>
        <ul class="reasons">${cert.reasons.map((r) => html`<li><span class="rule">${r.rule}</span> ${r.message}${r.since ? ` (since ${day(r.since)})` : ""}</li>`)}</ul>
        <dl class="facts">
          <dt>CCP</dt><dd>${words(cert.ccp)} · cycle ${day(cert.cycle.start)} – ${day(cert.cycle.end)} · ${cert.cycle.pointsCounted}/${cert.cycle.pointsRequired} points</dd>
          <dt>Paid through</dt><dd>${day(cert.paidThrough)}</dd>
          ${cert.audit ? html`<dt>Audit</dt><dd>${cert.audit.caseId}: ${words(cert.audit.status)}, respond by ${day(cert.audit.respondBy)}</dd>` : null}
        </dl>
      </section>`,
    )}
    <section class="panel" aria-labelledby="inv-h">
      <h2 id="inv-h">Invoices</h2>
      <div class="table-wrap" tabindex="0"><table>
        <thead><tr><th scope="col">Invoice</th><th scope="col">Year</th><th scope="col">Amount</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${record.invoices.map(
          (i) => html`<tr data-invoice=${i.invoiceId}>
            <td>${i.invoiceId}</td><td>${i.membershipYear}</td><td>${money(i.amount, i.currency)}</td><td>${day(i.dueDate)}</td>
            <td>${words(i.status)}${i.paidAt ? ` ${day(i.paidAt)}` : ""}</td>
            <td>${i.status === "OPEN" ? html`<${PaymentForm} invoice=${i} onRecorded=${reload} />` : null}</td>
          </tr>`,
        )}</tbody>
      </table></div>
    </section>
    <section class="panel" aria-labelledby="act-h">
      <h2 id="act-h">Activities</h2>
      <div class="table-wrap" tabindex="0"><table>
        <thead><tr><th scope="col">Date</th><th scope="col">Activity</th><th scope="col">Category</th><th scope="col">Points</th><th scope="col">Cycle</th></tr></thead>
        <tbody>${record.activities.map(
          (x) => html`<tr><td>${day(x.completedOn || x.periodEnd)}</td><td>${x.title}</td><td>${words(x.category)}</td><td>${x.pointsCounted}</td><td>${x.cycleStart} – ${x.cycleEnd}</td></tr>`,
        )}</tbody>
      </table></div>
    </section>
    <section class="panel" aria-labelledby="not-h">
      <h2 id="not-h">Notices sent</h2>
      ${record.notices.length === 0
        ? html`<p>No notice sent yet.</p>`
        : html`<div class="table-wrap" tabindex="0"><table>
            <thead><tr><th scope="col">Sent</th><th scope="col">Certificate</th><th scope="col">Notice</th><th scope="col">Channel</th><th scope="col">For</th><th scope="col">Flags</th></tr></thead>
            <tbody>${record.notices.map(
              (n) => html`<tr><td>${day(n.sentOn)}</td><td>${n.certificateNumber}</td><td>${words(n.step)}</td><td>${words(n.channel)}</td><td>${n.period}</td><td>${n.flags.map(words).join(", ")}</td></tr>`,
            )}</tbody>
          </table></div>`}
    </section>`;
}

const PAGES = { search: SearchPage, member: MemberPage, dashboard: DashboardPage, ...staffExtraPages };

function Console() {
  const [name, ...args] = useRoute("search");
  const Page = PAGES[name.split("?")[0]] || SearchPage;
  const nav = [["#/search", "Members"], ...staffExtraNav, ["#/dashboard", "Dashboards"]];
  return html`<${Header} title="Staff console" nav=${nav} who=${`Staff ${me.name || ""}`} />
    <main id="main" tabindex="-1"><${Page} args=${args} /></main>`;
}

requireSession("staff").then((current) => {
  me = current;
  render(html`<${Console} />`, document.getElementById("app"));
});

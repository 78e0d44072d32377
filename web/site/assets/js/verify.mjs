// Public employer verification (R38): certificate number + last name; the five fields only.
import { Alert, Field, Header, api, day, html, render, useState } from "./lib.mjs";

function Verify() {
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    const f = e.target.elements;
    setBusy(true);
    setAnswer(null);
    setError(null);
    try {
      const number = encodeURIComponent(f.certificateNumber.value.trim());
      const last = encodeURIComponent(f.lastName.value.trim());
      setAnswer(await api("GET", `/verify/${number}?lastName=${last}`, undefined, { anonymous: true }));
    } catch (err) {
      setError(err.status === 404 ? new Error("No certification matches this certificate number and last name.") : err);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Header} title="Verification" />
    <main id="main" tabindex="-1">
      <h1>Verify a certification</h1>
      <p>For employers: enter the certificate number and the holder's last name.</p>
      <form class="panel" onSubmit=${submit}>
        <div class="row">
          <${Field} id="certificateNumber" label="Certificate number">
            ${(p) => html`<input ...${p} required maxlength="40" autocomplete="off" />`}
          <//>
          <${Field} id="lastName" label="Last name">
            ${(p) => html`<input ...${p} required maxlength="100" autocomplete="off" />`}
          <//>
        </div>
        <button type="submit" class="primary" disabled=${busy}>Verify</button>
      </form>
      <${Alert} error=${error} />
      ${answer
        ? html`<section class="panel" aria-labelledby="result-h" aria-live="polite">
            <h2 id="result-h">Result</h2>
            <dl class="facts verification">
              <dt>Name</dt><dd>${answer.name}</dd>
              <dt>Certification</dt><dd>${answer.type}</dd>
              <dt>Status</dt><dd><span class=${`standing standing-${answer.status === "Active" ? "good" : "bad"}`}><span aria-hidden="true">${answer.status === "Active" ? "✓" : "✕"}</span> ${answer.status}</span></dd>
              <dt>Originally certified</dt><dd>${day(answer.originalCertificationDate)}</dd>
              <dt>Valid through</dt><dd>${answer.validThrough ? day(answer.validThrough) : "—"}</dd>
            </dl>
          </section>`
        : null}
    </main>`;
}

render(html`<${Verify} />`, document.getElementById("app"));

import { Header, html, render } from "./lib.mjs";

render(
  html`<${Header} title="" />
    <main id="main" tabindex="-1">
      <h1>Stay Certified</h1>
      <ul class="cards">
        <li><a class="card" href="/portal.html">Check your status<span>Members: standing, invoices, CE, audit, recertification</span></a></li>
        <li><a class="card" href="/verify.html">Verify a certification<span>Employers: certificate number and last name</span></a></li>
        <li><a class="card" href="/eligibility.html">RMA Eligibility Assistant<span>Which route to certification you meet</span></a></li>
        <li><a class="card" href="/staff.html">Staff console<span>Members, audits, applications, dashboards</span></a></li>
      </ul>
    </main>`,
  document.getElementById("app"),
);

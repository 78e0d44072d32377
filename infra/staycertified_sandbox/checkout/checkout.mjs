// The sandbox's stand-in for the payment provider's hosted checkout: shows the invoice,
// and "Pay" has the sandbox call the signed payment webhook as the provider would.
import { Alert, Loading, html, money, render, useEffect, useState } from "/assets/js/lib.mjs";

const params = new URLSearchParams(location.search);
const invoiceId = params.get("invoiceId") || "";
const back = params.get("returnUrl") || "/portal.html";
const returnUrl = new URL(back, location.origin).origin === location.origin ? back : "/portal.html";

function Checkout() {
  const [invoice, setInvoice] = useState(null);
  const [error, setError] = useState(null);
  const [paying, setPaying] = useState(false);
  useEffect(() => {
    fetch(`/_sandbox/checkout/invoice?invoiceId=${encodeURIComponent(invoiceId)}`)
      .then((r) => r.json().then((b) => (r.ok ? setInvoice(b) : setError(new Error(b.message)))));
  }, []);
  async function pay(e) {
    e.preventDefault();
    setPaying(true);
    const r = await fetch("/_sandbox/checkout/pay", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ invoiceId }),
    });
    const body = await r.json();
    if (!r.ok) {
      setPaying(false);
      setError(new Error(`The payment was refused (${(body.webhook && body.webhook.code) || r.status}).`));
      return;
    }
    location.assign(returnUrl);
  }
  return html`<header class="top checkout-top"><div class="brand">Payment provider <span class="where">hosted checkout (sandbox stand-in)</span></div></header>
    <main id="main" tabindex="-1">
      <h1>Pay your invoice</h1>
      <${Alert} error=${error} />
      ${!invoice && !error ? html`<${Loading} />` : null}
      ${invoice
        ? html`<form class="panel" onSubmit=${pay}>
            <dl class="facts">
              <dt>Invoice</dt><dd>${invoice.invoiceId}</dd>
              <dt>Membership year</dt><dd>${invoice.membershipYear}</dd>
              <dt>Amount</dt><dd>${money(invoice.amount, invoice.currency)}</dd>
              <dt>Status</dt><dd>${invoice.status}</dd>
            </dl>
            <div class="field"><label for="card">Card number (any: this is the sandbox)</label>
              <input id="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" /></div>
            <button type="submit" class="primary" disabled=${paying || invoice.status !== "OPEN"}>Pay ${money(invoice.amount, invoice.currency)}</button>
            <a class="button" href=${returnUrl}>Cancel</a>
          </form>`
        : null}
    </main>`;
}

render(html`<${Checkout} />`, document.getElementById("app"));

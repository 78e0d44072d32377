// Sign-in. In AWS: the Cognito hosted sign-in (authorisation code with PKCE).
// In the sandbox: a development page listing sample members and a staff account.
import { Alert, Badge, Header, Loading, config, html, render, session, useEffect, useState } from "./lib.mjs";

const params = new URLSearchParams(location.search);

function nextFor(role) {
  const next = params.get("next");
  const wanted = role === "staff" ? "/staff.html" : "/portal.html";
  return next && next.startsWith(wanted) ? next : wanted;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function cognitoSignIn(cfg) {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("staycertified.pkce", JSON.stringify({ verifier, state, next: params.get("next") }));
  const url = new URL(`https://${cfg.auth.domain}/oauth2/authorize`);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", cfg.auth.clientId);
  url.searchParams.set("redirect_uri", `${location.origin}/callback.html`);
  url.searchParams.set("scope", "openid email");
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("state", state);
  location.assign(url.toString());
}

function DevSignIn() {
  const [accounts, setAccounts] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    fetch("/_sandbox/accounts").then((r) => r.json()).then(setAccounts, setError);
  }, []);
  async function signIn(request) {
    setError(null);
    const r = await fetch("/_sandbox/signin", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    const body = await r.json();
    if (!r.ok) {
      setError(new Error(body.message || "Sign-in failed"));
      return;
    }
    session.set(body);
    location.assign(nextFor(body.role));
  }
  return html`<${Header} title="Sign in" />
    <main id="main" tabindex="-1">
      <h1>Sign in</h1>
      <p class="notice">
        Development sign-in of the sandbox: choose an account. In AWS this page sends you to the
        Cognito hosted sign-in instead.
      </p>
      ${params.get("signedOut") ? html`<p role="status" class="ok">You are signed out.</p>` : null}
      <${Alert} error=${error} />
      ${!accounts
        ? html`<${Loading} what="Loading accounts" />`
        : html`<section aria-labelledby="members-h">
              <h2 id="members-h">Members</h2>
              <ul class="accounts">
                ${accounts.members.map(
                  (m) => html`<li>
                    <button type="button" data-member=${m.memberId} onClick=${() => signIn({ memberId: m.memberId })}>
                      Sign in as ${m.name} (${m.memberId})
                    </button>
                    <span class="account-meta">${m.certificate} · <${Badge} status=${m.standing} /></span>
                  </li>`,
                )}
              </ul>
              <form class="inline" onSubmit=${(e) => {
                e.preventDefault();
                signIn({ memberId: e.target.elements.memberId.value.trim() });
              }}>
                <label for="memberId">Another member id</label>
                <input id="memberId" name="memberId" required autocomplete="off" />
                <button type="submit">Sign in</button>
              </form>
            </section>
            <section aria-labelledby="staff-h">
              <h2 id="staff-h">Staff</h2>
              ${accounts.staff.map(
                (name) => html`<button type="button" data-staff=${name} onClick=${() => signIn({ staff: name })}>
                  Sign in as staff (${name})
                </button>`,
              )}
            </section>`}
    </main>`;
}

async function start() {
  const cfg = await config();
  if (cfg.auth.mode === "cognito") {
    await cognitoSignIn(cfg);
    return;
  }
  render(html`<${DevSignIn} />`, document.getElementById("app"));
}

start();

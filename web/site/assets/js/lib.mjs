// Shared by every page: settings, the signed-in session, the API client, small components.
import { h, render } from "../../vendor/preact.mjs";
import { useEffect, useState } from "../../vendor/preact-hooks.mjs";
import htm from "../../vendor/htm.mjs";

export const html = htm.bind(h);
export { render, useEffect, useState };

let configPromise = null;
/** The site's settings: /config.json (in AWS, injected at deploy time). */
export function config() {
  configPromise ??= fetch("/config.json", { cache: "no-store" }).then((r) => r.json());
  return configPromise;
}

const SESSION_KEY = "staycertified.session";

export const session = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    } catch {
      return null;
    }
  },
  set(value) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

/** Sends the visitor to sign in, then back to where they were. */
export async function requireSession(role) {
  const current = session.get();
  if (current && current.role === role) return current;
  const cfg = await config();
  const back = encodeURIComponent(location.pathname + location.hash);
  location.assign(`${cfg.auth.signInPage || "/signin.html"}?next=${back}`);
  return new Promise(() => {});
}

export async function signOut() {
  const cfg = await config();
  session.clear();
  if (cfg.auth.mode === "cognito") {
    const logout = new URL(`https://${cfg.auth.domain}/logout`);
    logout.searchParams.set("client_id", cfg.auth.clientId);
    logout.searchParams.set("logout_uri", `${location.origin}/`);
    location.assign(logout.toString());
  } else {
    location.assign("/signin.html?signedOut=1");
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/** Calls the API with the session's token; a 401 sends the visitor to sign in. */
export async function api(method, path, body, { anonymous = false, headers: extra = {} } = {}) {
  const cfg = await config();
  const headers = { Accept: "application/json", ...extra };
  const current = session.get();
  if (!anonymous && current) headers.Authorization = `Bearer ${current.idToken}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(cfg.apiBase + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (response.status === 401 && !anonymous) {
    session.clear();
    await requireSession(current ? current.role : "member");
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// ------------------------------------------------------------ wording

export const STANDING = {
  ACTIVE: { label: "Active", tone: "good", symbol: "✓" },
  LAPSED: { label: "Lapsed", tone: "warn", symbol: "!" },
  RECERTIFICATION_REQUIRED: { label: "Recertification required", tone: "bad", symbol: "✕" },
};

export function words(code) {
  return String(code || "")
    .toLowerCase()
    .replaceAll("_", " ")
    .replace(/^./, (c) => c.toUpperCase());
}

export function day(iso) {
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}

export function money(amount, currency = "USD") {
  return Number(amount).toLocaleString("en-US", { style: "currency", currency });
}

// ------------------------------------------------------------ components

export function Badge({ status }) {
  const s = STANDING[status] || { label: words(status), tone: "info", symbol: "•" };
  return html`<span class=${`standing standing-${s.tone}`}
    ><span aria-hidden="true">${s.symbol}</span> ${s.label}</span
  >`;
}

export function Progress({ value, max, label }) {
  const pct = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 100;
  return html`<div class="progress-wrap">
    <progress value=${Math.min(value, max)} max=${max} aria-label=${label}>${pct}%</progress>
    <span class="progress-text">${value} of ${max} points (${pct}%)</span>
  </div>`;
}

export function Alert({ error, children }) {
  if (!error && !children) return null;
  const text = error ? error.message : null;
  return html`<div class="alert" role="alert">${text}${children}</div>`;
}

export function Loading({ what = "Loading" }) {
  return html`<p class="loading" role="status">${what}…</p>`;
}

export function Header({ title, nav = [], who }) {
  return html`<header class="top">
      <a class="skip" href="#main">Skip to content</a>
      <div class="brand"><a href="/">Stay Certified</a> <span class="where">${title}</span></div>
      ${nav.length
        ? html`<nav aria-label="Main">
            <ul>
              ${nav.map(
                ([href, text]) =>
                  html`<li>
                    <a href=${href} aria-current=${location.hash === href.replace(/^[^#]*/, "") ? "page" : undefined}>${text}</a>
                  </li>`,
              )}
            </ul>
          </nav>`
        : null}
      ${who
        ? html`<div class="who">
            <span>${who}</span>
            <button type="button" class="link" onClick=${signOut}>Sign out</button>
          </div>`
        : null}
    </header>`;
}

/** A labelled form field whose errors are shown beside it (aria-describedby). */
export function Field({ id, label, error, hint, children }) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${children({ id, "aria-describedby": describedBy || undefined, "aria-invalid": error ? "true" : undefined })}
    ${error ? html`<p class="error" id=${`${id}-error`}>${error}</p>` : null}
  </div>`;
}

/** Errors of an API answer sorted onto form fields: 422 rule codes through `codeFields`,
 *  400 validation messages through their `body.<field>` location. */
export function fieldErrors(error, codeFields = {}) {
  const out = {};
  const items = (error && error.body && error.body.errors) || [];
  for (const item of items) {
    let fieldName = codeFields[item.code];
    let message = item.message;
    if (!fieldName) {
      const m = /^body\.([A-Za-z0-9_.]+): (?:Value error, )?(.*)$/.exec(item.message || "");
      if (m) {
        const inner = /^([A-Za-z0-9]+): (.*)$/.exec(m[2]);
        fieldName = inner ? `${m[1]}.${inner[1]}` : m[1];
        message = inner ? inner[2] : m[2];
      }
    }
    const key = fieldName || "_form";
    const text = item.rule ? `${message} (${item.rule})` : message;
    out[key] = out[key] ? `${out[key]}; ${text}` : text;
  }
  if (!items.length && error) out._form = error.message;
  return out;
}

/** Hash routing: `#/name/arg` → [name, arg]. */
export function useRoute(defaultRoute) {
  const read = () => (location.hash.replace(/^#\/?/, "") || defaultRoute).split("/");
  const [route, setRoute] = useState(read());
  useEffect(() => {
    const onChange = () => {
      setRoute(read());
      const main = document.getElementById("main");
      if (main) main.focus();
    };
    addEventListener("hashchange", onChange);
    // The hash may have changed between the first render and this effect, when no one
    // listened (a link followed, or an address typed, while the page was still loading).
    const now = read();
    if (now.join("/") !== route.join("/")) setRoute(now);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

// A review's workflow (a Step Functions execution) carries on after the API answers a
// decision or a submission: read again until the workflow has recorded its next step
// (the newest history event is the workflow's), for about ten seconds at most.
export async function untilWorkflowMoved(load, before, workflow = "recertification-review") {
  const moved = (a) => a.history.length > before.history.length && a.history[a.history.length - 1].by === workflow;
  let current = await load();
  for (let tries = 1; tries < 25 && !moved(current); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    current = await load();
  }
  return current;
}

/** Loads once per `deps`; returns [data, error, reload]. */
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ data: null, error: null });
    load().then(
      (data) => live && setState({ data, error: null }),
      (error) => live && setState({ data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [state.data, state.error, () => setTick((t) => t + 1)];
}

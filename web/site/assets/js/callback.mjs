// The Cognito hosted sign-in comes back here with ?code=&state= (PKCE, no client secret).
import { config, session } from "./lib.mjs";

function claims(token) {
  const part = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
  return JSON.parse(decodeURIComponent(escape(atob(part))));
}

async function finish() {
  const cfg = await config();
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem("staycertified.pkce") || "null");
  sessionStorage.removeItem("staycertified.pkce");
  const app = document.getElementById("app");
  if (!saved || params.get("state") !== saved.state || !params.get("code")) {
    app.textContent = "Sign-in failed: please try again.";
    return;
  }
  const response = await fetch(`https://${cfg.auth.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: cfg.auth.clientId,
      code: params.get("code"),
      redirect_uri: `${location.origin}/callback.html`,
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) {
    app.textContent = "Sign-in failed: please try again.";
    return;
  }
  const tokens = await response.json();
  const c = claims(tokens.id_token);
  const groups = c["cognito:groups"] || [];
  const staff = groups.includes("staff");
  session.set({
    idToken: tokens.id_token,
    role: staff ? "staff" : "member",
    memberId: c["custom:member_id"],
    name: c.email,
  });
  const wanted = staff ? "/staff.html" : "/portal.html";
  location.replace(saved.next && saved.next.startsWith(wanted) ? saved.next : wanted);
}

finish();

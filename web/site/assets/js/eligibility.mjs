// The RMA Eligibility Assistant (R34, R35): a form generated from GET /eligibility/{type},
// answered by POST /eligibility/{type}. Public.
import { GROUP_TITLES, Question, readAnswers } from "./eligibility-form.mjs";
import { Alert, Header, Loading, api, html, render, useLoad, useState, words } from "./lib.mjs";

const type = new URLSearchParams(location.search).get("type") || "RMA";

function Assistant() {
  const [list, error] = useLoad(() => api("GET", `/eligibility/${encodeURIComponent(type)}`, undefined, { anonymous: true }));
  const [answer, setAnswer] = useState(null);
  const [problem, setProblem] = useState(null);
  if (error) return html`<${Alert} error=${error} />`;
  if (!list) return html`<${Loading} what="Loading the questions" />`;
  const groups = [...new Set(list.questions.map((q) => q.group))];
  async function submit(e) {
    e.preventDefault();
    setProblem(null);
    try {
      setAnswer(await api("POST", `/eligibility/${encodeURIComponent(type)}`, readAnswers(e.target, list.questions), { anonymous: true }));
    } catch (err) {
      setAnswer(null);
      setProblem(err);
    }
  }
  return html`<h1>${type} Eligibility Assistant</h1>
    <p>Answer what applies to you; leave the rest. We tell you which routes to certification you meet, and what is missing for the others.</p>
    <form class="panel" onSubmit=${submit}>
      ${groups.map(
        (g) => html`<fieldset class="group"><legend><h2 class="inline-h">${GROUP_TITLES[g] || words(g)}</h2></legend>
          ${list.questions.filter((q) => q.group === g).map((q) => html`<${Question} q=${q} />`)}
        </fieldset>`,
      )}
      <fieldset class="field">
        <legend>Have you ever been convicted of a felony?</legend>
        <div class="inline">
          <span class="check"><input type="radio" id="felony-yes" name="felony" value="yes" /><label for="felony-yes">Yes</label></span>
          <span class="check"><input type="radio" id="felony-no" name="felony" value="no" /><label for="felony-no">No</label></span>
        </div>
      </fieldset>
      <button type="submit" class="primary">Check my eligibility</button>
    </form>
    ${problem
      ? html`<${Alert}>${problem.message}${(problem.body.errors || []).length ? html`<ul>${problem.body.errors.map((x) => html`<li>${x.message}</li>`)}</ul>` : null}<//>`
      : null}
    ${answer
      ? html`<section class="panel" aria-labelledby="answer-h" aria-live="polite">
          <h2 id="answer-h">Your answer</h2>
          <ul class="routes">
            ${answer.routes.map(
              (r) => html`<li data-route=${r.route}>
                <span class=${`standing standing-${r.met ? "good" : r.offered ? "warn" : "info"}`}><span aria-hidden="true">${r.met ? "✓" : "✕"}</span> ${r.met ? "Met" : r.offered ? "Not met" : "Not offered"}</span>
                <strong> ${r.title}</strong>
                ${!r.met && r.missing.length ? html`<ul>${r.missing.map((m) => html`<li>${m.message}</li>`)}</ul>` : null}
              </li>`,
            )}
          </ul>
          ${answer.felonyReviewRequired ? html`<p class="notice">A felony conviction sends your application to a review by staff; it does not fail a route by itself (R34).</p>` : null}
          ${answer.notes.length ? html`<h3>Good to know</h3><ul>${answer.notes.map((n) => html`<li>${n.message}</li>`)}</ul>` : null}
        </section>`
      : null}`;
}

render(
  html`<${Header} title="Eligibility" />
    <main id="main" tabindex="-1"><${Assistant} /></main>`,
  document.getElementById("app"),
);

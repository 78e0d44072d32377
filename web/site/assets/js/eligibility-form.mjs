// The Eligibility Assistant's questions as form fields (R34, R35), built from
// GET /eligibility/{type}: the public assistant and the exam route of an application.
import { html, words } from "./lib.mjs";

export const GROUP_TITLES = {
  education: "Route A: education",
  military: "Route B: military training",
  work: "Route C: work experience",
  otherExam: "Route D: another body's exam",
};

export function Question({ q }) {
  const id = `${q.group}-${q.key}`;
  if (q.type === "boolean") {
    return html`<fieldset class="field">
      <legend>${q.label}</legend>
      <div class="inline">
        <span class="check"><input type="radio" id=${`${id}-yes`} name=${id} value="yes" /><label for=${`${id}-yes`}>Yes</label></span>
        <span class="check"><input type="radio" id=${`${id}-no`} name=${id} value="no" /><label for=${`${id}-no`}>No</label></span>
      </div>
    </fieldset>`;
  }
  if (q.type === "enum") {
    return html`<div class="field"><label for=${id}>${q.label}</label>
      <select id=${id} name=${id}><option value="">—</option>${q.options.map((o) => html`<option value=${o}>${words(o)}</option>`)}</select></div>`;
  }
  return html`<div class="field"><label for=${id}>${q.label}</label>
    <input id=${id} name=${id} type=${q.type === "date" ? "date" : "number"} min="0" step="1" inputmode=${q.type === "integer" ? "numeric" : undefined} /></div>`;
}

export function readAnswers(form, questions) {
  const body = {};
  for (const q of questions) {
    const id = `${q.group}-${q.key}`;
    let value = null;
    if (q.type === "boolean") {
      const picked = form.querySelector(`input[name="${id}"]:checked`);
      value = picked ? picked.value === "yes" : null;
    } else {
      const raw = form.elements[id].value;
      value = raw === "" ? null : q.type === "integer" ? Number(raw) : raw;
    }
    if (value !== null) (body[q.group] ??= {})[q.key] = value;
  }
  const felony = form.querySelector('input[name="felony"]:checked');
  if (felony) body.felonyConviction = felony.value === "yes";
  return body;
}

// Uploads straight to S3 through an upload grant (R15): ask the API for a grant,
// then POST the file with the grant's fields to its URL, with progress.
import { api, html, useState } from "./lib.mjs";

const ACCEPT = "application/pdf,image/jpeg,image/png";

function postToGrant(grant, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.upload.fields)) form.append(name, value);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", grant.upload.url);
    xhr.upload.addEventListener("progress", (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener("load", () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`The upload was refused (${xhr.status}).`)),
    );
    xhr.addEventListener("error", () => reject(new Error("The upload failed: check your connection.")));
    xhr.send(form);
  });
}

/** A drop zone and file picker for one item: `request` is the grant body without the file facts. */
export function Uploader({ id, label, memberId, request, kinds = ["PROOF"], onDone }) {
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const [over, setOver] = useState(false);
  const [kind, setKind] = useState(kinds[0]);
  async function send(file) {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const grant = await api("POST", `/members/${encodeURIComponent(memberId)}/uploads`, {
        ...request,
        kind,
        fileName: file.name,
        contentType: file.type || "application/octet-stream",
        size: file.size,
      });
      await postToGrant(grant, file, setProgress);
      setProgress(1);
      onDone && onDone();
    } catch (err) {
      setError(err.body && err.body.errors && err.body.errors.length ? err.body.errors.map((x) => x.message).join("; ") : err.message);
      setProgress(null);
    }
  }
  return html`<div
    class=${`dropzone${over ? " over" : ""}`}
    onDragOver=${(e) => {
      e.preventDefault();
      setOver(true);
    }}
    onDragLeave=${() => setOver(false)}
    onDrop=${(e) => {
      e.preventDefault();
      setOver(false);
      send(e.dataTransfer.files[0]);
    }}
  >
    ${kinds.length > 1
      ? html`<label for=${`${id}-kind`}>Document</label>
          <select id=${`${id}-kind`} value=${kind} onChange=${(e) => setKind(e.target.value)}>
            ${kinds.map((k) => html`<option value=${k}>${k === "EMPLOYMENT_VERIFICATION" ? "Employment verification form" : k === "PROOF" ? "Proof (certificate, transcript…)" : k}</option>`)}
          </select>`
      : null}
    <p>Drop a PDF, JPEG or PNG here, or</p>
    <label class="button" for=${id}>Choose a file<span class="visually-hidden"> for ${label}</span></label>
    <input class="visually-hidden" id=${id} type="file" accept=${ACCEPT} onChange=${(e) => send(e.target.files[0])} />
    ${progress !== null
      ? html`<div role="status"><progress value=${progress} max="1" aria-label=${`Upload for ${label}`}></progress> ${Math.round(progress * 100)}%${progress === 1 ? " — uploaded" : ""}</div>`
      : null}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
  </div>`;
}

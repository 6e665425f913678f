/**
 * Progressive enhancement of the upload forms: the browser puts the file
 * straight to the create-only upload link (CORS on the documents account), and
 * only the document's id goes to the site. Whenever the site refuses or
 * anything fails, the plain form is sent instead, so the resident reads the
 * server's own inline error. Lists of files still being checked refresh
 * themselves until each is ready or not accepted.
 */

interface Link {
  readonly documentId: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

function enhanceForm(form: HTMLFormElement): void {
  const linkUrl = form.dataset.uploadLink;
  const found = form.querySelector<HTMLInputElement>('input[type=file]');
  const progress = form.querySelector<HTMLElement>('[data-upload-progress]');
  if (!linkUrl || !found) return;
  const input: HTMLInputElement = found;
  let sending = false;

  form.addEventListener('submit', (event) => {
    const file = input.files?.[0];
    // Nothing chosen: the site says so.
    if (!file || sending) return;
    event.preventDefault();
    sending = true;
    void send(file);
  });

  // The plain form: the site checks the file (and, when it is right, streams it on).
  const fallback = () => {
    HTMLFormElement.prototype.submit.call(form);
  };

  async function send(file: File): Promise<void> {
    const csrf = form.querySelector<HTMLInputElement>('input[name=csrfToken]')?.value ?? '';
    if (progress) progress.textContent = `Sending ${file.name}…`;
    try {
      const answer = await fetch(linkUrl ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrfToken: csrf,
          fileName: file.name,
          contentType: file.type,
          size: String(file.size),
        }),
        credentials: 'same-origin',
      });
      if (!answer.ok) {
        fallback();
        return;
      }
      const link = (await answer.json()) as Link;
      const put = await fetch(link.url, { method: 'PUT', headers: link.headers, body: file });
      if (!put.ok) {
        fallback();
        return;
      }
      // The file is already in storage: the site needs only its id.
      input.disabled = true;
      const id = document.createElement('input');
      id.type = 'hidden';
      id.name = 'documentId';
      id.value = link.documentId;
      form.append(id);
      HTMLFormElement.prototype.submit.call(form);
    } catch {
      fallback();
    }
  }
}

const pollEveryMs = 2000;
const pollAtMost = 60;

/** Refreshes each `[data-upload-poll]` region from the page itself while a file in it is being checked. */
function pollChecks(): void {
  let polls = 0;
  const pending = () => document.querySelector('[data-upload-poll] [data-upload-status="pending"]') !== null;
  if (!pending()) return;
  const timer = window.setInterval(() => {
    polls += 1;
    if (polls > pollAtMost) {
      window.clearInterval(timer);
      return;
    }
    void fetch(window.location.href, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, 'text/html');
        for (const region of document.querySelectorAll<HTMLElement>('[data-upload-poll][id]')) {
          const next = fresh.getElementById(region.id);
          if (next && next.innerHTML !== region.innerHTML) region.innerHTML = next.innerHTML;
        }
        if (!pending()) window.clearInterval(timer);
      })
      .catch(() => window.clearInterval(timer));
  }, pollEveryMs);
}

export function enhanceUploads(): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-upload-link]')) enhanceForm(form);
  pollChecks();
}

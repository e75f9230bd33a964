// The statement's live preview beside the admin's editor (templates/admin/statements/statement/
// change_form.html). While staff type in the title, summary, body or dateline, the text is sent
// (debounced, POST with the form's CSRF token) to a staff-only view that renders the public
// page through the same template and Markdown sanitizer; the answer is shown in a sandboxed
// frame that runs no script. A file of its own: the Content-Security-Policy allows no inline
// script.
"use strict";

// Beside each date-time picker, its value in ISO (2026-12-01 09:00), whatever order the
// browser's own picker shows the date in.
document.addEventListener("input", (event) => {
  const picker = event.target;
  if (picker.matches && picker.matches('input[type="datetime-local"]')) {
    const shown = picker.parentElement.querySelector(".datetime-iso");
    if (shown) {
      shown.textContent = picker.value.replace("T", " ");
    }
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector(".live-preview");
  const form = section && section.closest("form");
  if (!form) {
    return;
  }
  const frame = section.querySelector(".live-preview__frame");
  const status = section.querySelector(".live-preview__status");
  const fields = ["title", "slug", "summary", "body", "dateline", "kind", "language", "translation_of"];
  const DELAY = 400;
  let timer = null;
  let inFlight = null;

  function value(name) {
    const field = form.elements.namedItem(name);
    return field && "value" in field ? field.value : null;
  }

  function refresh() {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", value("csrfmiddlewaretoken") || "");
    data.append("object_id", section.dataset.objectId || "");
    for (const name of fields) {
      const current = value(name);
      if (current !== null) {
        data.append(name, current);
      }
    }
    if (inFlight) {
      inFlight.abort();
    }
    inFlight = new AbortController();
    status.textContent = section.dataset.updating;
    fetch(section.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: inFlight.signal,
    })
      .then((response) => {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then((html) => {
        // Keep the reader's place in a long statement while it is redrawn.
        const view = frame.contentWindow;
        const scroll = view ? view.scrollY : 0;
        frame.addEventListener(
          "load",
          () => {
            if (frame.contentWindow) {
              frame.contentWindow.scrollTo(0, scroll);
            }
          },
          { once: true },
        );
        frame.srcdoc = html;
        status.textContent = section.dataset.updated;
        section.dataset.state = "updated";
      })
      .catch((error) => {
        if (error.name !== "AbortError") {
          status.textContent = section.dataset.failed;
          section.dataset.state = "failed";
        }
      });
  }

  function later() {
    section.dataset.state = "pending";
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY);
  }

  for (const name of fields) {
    const field = form.elements.namedItem(name);
    if (field && "addEventListener" in field) {
      field.addEventListener("input", later);
      field.addEventListener("change", later);
    }
  }
  refresh();
});

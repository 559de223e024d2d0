// The moderation desk without page reloads: row actions answer with the redrawn
// row, bulk actions swap in the redrawn page, and keys drive the queue.
// Every form also works without this file (CSP: no inline script, no eval).
(() => {
  "use strict";

  const ROW = ".queue-item";
  const typing = "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]";
  let current = null;

  const desk = () => document.querySelector("[data-desk]");
  const rows = () => Array.from(document.querySelectorAll(ROW));

  function setCurrent(row, scroll = true) {
    if (current) current.classList.remove("is-current");
    current = row || null;
    if (!current) return;
    current.classList.add("is-current");
    if (scroll) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    const list = rows();
    if (!list.length) return;
    const index = list.indexOf(current);
    const next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
    setCurrent(list[next]);
  }

  function nextAfter(element) {
    for (let el = element.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.matches(ROW)) return el;
    }
    for (let el = element.previousElementSibling; el; el = el.previousElementSibling) {
      if (el.matches(ROW)) return el;
    }
    return null;
  }

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function failNotice(row, text) {
    const note = document.createElement("div");
    note.className = "alert alert-danger py-1 px-2 small mt-2 desk-notice";
    note.setAttribute("role", "alert");
    note.textContent = text;
    row.querySelector(".desk-notice")?.remove();
    row.appendChild(note);
  }

  async function submitRow(form, submitter) {
    const row = form.closest("[data-desk-row]");
    if (!row || row.getAttribute("aria-busy") === "true") return;
    row.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form, submitter),
        headers: { "X-Desk-Row": "1" },
        credentials: "same-origin",
      });
    } catch (error) {
      row.removeAttribute("aria-busy");
      failNotice(row, "Could not reach the server; nothing changed. Try again.");
      return;
    }
    if (response.redirected) {
      window.location.assign(response.url); // e.g. the session ended: log in again
      return;
    }
    const fresh = [200, 400, 409].includes(response.status) && parse(await response.text());
    if (!fresh) {
      row.removeAttribute("aria-busy");
      failNotice(row, `Not done (the server answered ${response.status}).`);
      return;
    }
    showCounts(response.headers.get("X-Desk-Counts"));
    const wasCurrent = row === current || !current;
    closeReply();
    row.replaceWith(fresh);
    if (fresh.matches(ROW)) {
      if (wasCurrent) setCurrent(fresh);
    } else if (wasCurrent) {
      setCurrent(nextAfter(fresh));
    }
    countSelected();
  }

  async function submitBulk(form, submitter) {
    const main = document.querySelector("main");
    main.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form, submitter),
        credentials: "same-origin",
      });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("main");
      if (!response.ok || !fresh) throw new Error(String(response.status));
      main.innerHTML = fresh.innerHTML;
      start();
    } catch (error) {
      form.dataset.plain = "1"; // let the browser do it the plain way
      form.requestSubmit(submitter);
    } finally {
      main.removeAttribute("aria-busy");
    }
  }

  // The server's tab counts after a decision: {"pending": "12", "all": "10,000+", ...}.
  function showCounts(header) {
    if (!header) return;
    let counts;
    try {
      counts = JSON.parse(header);
    } catch (error) {
      return;
    }
    for (const [tab, text] of Object.entries(counts)) {
      const badge = document.querySelector(`[data-desk-count="${CSS.escape(tab)}"]`);
      if (badge) badge.textContent = text;
    }
  }

  function countSelected() {
    const label = document.querySelector("[data-desk-selected-count]");
    if (!label) return;
    const boxes = document.querySelectorAll(".desk-select");
    const checked = document.querySelectorAll(".desk-select:checked").length;
    label.textContent = checked ? `${checked} selected` : "Select rows with the boxes (x)";
    const all = document.querySelector("[data-desk-select-page]");
    if (all) {
      all.checked = checked > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
  }

  function hideCurrent() {
    const select = current?.querySelector("form[data-desk-action=hide] select[name=reason]");
    if (!select) return;
    select.focus(); // arrow keys or a letter pick the reason, Enter hides
  }

  // One reply form per page, moved into the row being answered.
  function openReply(row) {
    const link = row?.querySelector("[data-desk-reply]");
    const form = document.getElementById("desk-reply-form");
    if (!link || !form) return;
    form.action = link.dataset.deskReply;
    // The version this row showed: a comment changed meanwhile makes the reply a conflict.
    form.querySelector("[data-desk-reply-version]").value = link.dataset.deskReplyVersion;
    link.closest(".d-flex").after(form);
    link.hidden = true;
    form.querySelector("textarea").focus();
  }

  function closeReply() {
    const form = document.getElementById("desk-reply-form");
    const home = document.querySelector("[data-desk-reply-home]");
    if (!form || !home || form.parentElement === home) return;
    form.closest(ROW)?.querySelector("[data-desk-reply]")?.removeAttribute("hidden");
    home.appendChild(form);
    form.reset();
  }

  function replyToCurrent() {
    openReply(current);
  }

  function toggleCurrent() {
    const box = current?.querySelector(".desk-select");
    if (!box) return;
    box.checked = !box.checked;
    countSelected();
  }

  const KEYS = {
    j: () => move(1),
    k: () => move(-1),
    a: () => current?.querySelector("form[data-desk-action=approve]")?.requestSubmit(),
    h: hideCurrent,
    d: () => current?.querySelector("form[data-desk-action=hide-removed]")?.requestSubmit(),
    r: replyToCurrent,
    x: toggleCurrent,
    o: () => current?.querySelector(".desk-open")?.click(),
    "?": () => document.getElementById("desk-keys")?.showModal(),
  };

  function onKey(event) {
    const target = event.target;
    if (target.matches?.(typing)) {
      fieldKey(event, target);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || !desk()) return;
    if (document.querySelector("dialog[open]")) return;
    const action = KEYS[event.key];
    if (!action) return;
    event.preventDefault();
    if (!current && event.key !== "?") setCurrent(rows()[0]);
    if (event.key !== "j" || current) action();
  }

  function fieldKey(event, field) {
    const row = field.closest(ROW);
    if (event.key === "Escape" && row) {
      event.preventDefault();
      if (field.closest("#desk-reply-form")) closeReply();
      setCurrent(row);
    } else if (event.key === "Enter" && field.matches("form[data-desk-action=hide] select")) {
      event.preventDefault();
      const note = field.form.querySelector("[name=note]");
      if (field.value === "other" && !note.value.trim()) note.focus();
      else field.form.requestSubmit();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && field.form) {
      event.preventDefault();
      field.form.requestSubmit();
    }
  }

  function onSubmit(event) {
    const form = event.target;
    if (form.dataset.plain) return;
    if (form.matches("[data-desk-bulk]")) {
      event.preventDefault();
      submitBulk(form, event.submitter);
    } else if (form.matches("[data-desk-action]") && form.closest("[data-desk-row]")) {
      event.preventDefault();
      submitRow(form, event.submitter);
    }
  }

  function onChange(event) {
    if (event.target.matches("[data-desk-select-page]")) {
      for (const box of document.querySelectorAll(".desk-select")) box.checked = event.target.checked;
    }
    if (event.target.matches(".desk-select, [data-desk-select-page]")) countSelected();
  }

  function onClick(event) {
    const replyLink = event.target.closest("[data-desk-reply]");
    if (replyLink && document.getElementById("desk-reply-form")) {
      event.preventDefault();
      setCurrent(replyLink.closest(ROW), false);
      openReply(replyLink.closest(ROW));
      return;
    }
    if (event.target.closest("[data-desk-reply-cancel]")) {
      const row = event.target.closest(ROW);
      closeReply();
      setCurrent(row);
      return;
    }
    if (event.target.closest("[data-desk-keys]")) {
      document.getElementById("desk-keys")?.showModal();
      return;
    }
    const row = event.target.closest(ROW);
    if (row && row !== current) setCurrent(row, false);
  }

  function start() {
    for (const el of document.querySelectorAll("[data-desk-only], [data-desk-keys]")) el.hidden = false;
    current = null;
    setCurrent(rows()[0], false);
    countSelected();
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("change", onChange);
  document.addEventListener("click", onClick);
  start();
})();

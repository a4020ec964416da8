// Keeps this editor on the article's "who else has it open" list while the change page is
// open, and shows who else has. Every failure is ignored: the notice is a courtesy, and
// saving never depends on it (the form's version check does the refusing).
(function () {
  "use strict";

  const notice = document.getElementById("article-presence");
  const csrf = notice && notice.closest("form").querySelector("input[name=csrfmiddlewaretoken]");
  if (!csrf || !window.fetch) {
    return;
  }
  const url = notice.dataset.url;
  const names = notice.querySelector("[data-names]");
  const every = (Number(notice.dataset.interval) || 30) * 1000;

  function show(others) {
    names.textContent = others.join("، ");
    notice.hidden = others.length === 0;
  }

  function beat() {
    // redirect: "error", so an expired session's redirect to a login page is a quiet failure
    // rather than a page of HTML read as JSON.
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf.value },
      credentials: "same-origin",
      redirect: "error",
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data && Array.isArray(data.others)) {
          show(data.others);
        }
      })
      .catch(() => {});
  }

  // At once as well: when this page replaced another copy of itself (a reload, a save that
  // came back with errors), the old copy's leave beacon below was sent after the server had
  // already counted this one in.
  beat();
  setInterval(beat, every);

  // Closing the tab takes the editor off the list at once instead of after the expiry.
  // A beacon, because an ordinary request may be cancelled as the page goes away.
  window.addEventListener("pagehide", () => {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf.value);
    body.append("leave", "1");
    navigator.sendBeacon(url, body);
  });
  // Back to a page the browser kept in memory: say so at once rather than at the next beat.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      beat();
    }
  });
})();

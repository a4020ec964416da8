// One move panel at a time: the panels float at the same spot, so opening one closes the
// rest, and Escape closes it. Without this script the panels still work, one on another.
"use strict";
document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (!(opened instanceof HTMLDetailsElement) || !opened.classList.contains("entry-move") || !opened.open) {
    return;
  }
  for (const other of document.querySelectorAll("details.entry-move[open]")) {
    if (other !== opened) {
      other.open = false;
    }
  }
  opened.querySelector("input:not([type=hidden])")?.focus();
}, true);

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") {
    return;
  }
  const opened = document.querySelector("details.entry-move[open]");
  if (opened) {
    opened.open = false;
    opened.querySelector("summary").focus();
  }
});

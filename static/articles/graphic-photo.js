// Loaded only on an article whose photo is marked graphic (templates/includes/article_photo.html).
// The photo arrives blurred behind its warning; the button stays hidden until this script can
// make it work, so a reader without JavaScript never meets a button that does nothing.
document.querySelectorAll("[data-graphic-photo]").forEach((frame) => {
  const button = frame.querySelector(".graphic-reveal");
  button.hidden = false;
  button.addEventListener("click", () => {
    frame.querySelector(".graphic-warning").remove();
    frame.classList.remove("is-graphic");
    // The button is gone with the warning: keep keyboard and screen reader users on the photo.
    frame.focus();
  });
});

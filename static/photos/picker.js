// The body editor's photo picker (photos.admin.PhotoAdmin.picker_view), opened in a popup by
// django-prose-editor's Figure extension. It listens for the CKEditor-style callback, with the
// photo's id as `id`: the editor stores that id in data-file, which is what the server trusts.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".photo-picker button");
  const list = button && button.closest(".photo-picker");
  if (!button || !window.opener || !window.opener.CKEDITOR) return;
  window.opener.CKEDITOR.tools.callFunction(Number(list.dataset.callback), button.dataset.url, {
    id: button.dataset.id,
    alternative_text: button.dataset.alt,
    caption: button.dataset.caption,
  });
  window.close();
});

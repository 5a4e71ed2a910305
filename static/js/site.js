/* Newsroom public pages: the "copy link" button and the read counter. No third parties, no cookies. */
(function () {
  "use strict";

  // "Salin tautan": shown only where the clipboard can be used.
  document.querySelectorAll("[data-copy-url]").forEach(function (button) {
    if (!navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.closest(".share").querySelector(".share-status");
      navigator.clipboard.writeText(button.dataset.copyUrl).then(function () {
        if (status) {
          status.textContent = button.dataset.copied;
        }
      });
    });
  });

  // Counts one read of this story for "Terpopuler": a bare POST, nothing about the reader.
  var story = document.querySelector("[data-read-url]");
  if (story && navigator.sendBeacon) {
    navigator.sendBeacon(story.dataset.readUrl);
  }
})();

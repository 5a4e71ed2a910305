"use strict";
// Shows "length / limit" under the fields marked data-character-counter
// (title, lead, SEO fields) so writers see how much room is left.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-character-counter]")) {
    const limit = field.maxLength > 0 ? field.maxLength : 0;
    const counter = document.createElement("div");
    counter.className = "help character-counter";
    counter.setAttribute("aria-live", "polite");
    const update = () => {
      const length = field.value.length;
      counter.textContent = limit ? `${length} / ${limit}` : String(length);
      counter.classList.toggle("character-counter-near-limit", limit > 0 && length > limit * 0.9);
    };
    field.addEventListener("input", update);
    field.after(counter);
    update();
  }
});

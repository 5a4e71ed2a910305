"use strict";
// Under the regions and officials fields of the article form: "Saran: Balikpapan · Bagus
// Susetyo", the tags named in the title, lead and body (found by the server, see
// articles/taxonomy.py). One click adds a tag to its field. The fields are the admin's
// select2 autocompletes, marked data-suggest-url by articles/forms.py.
document.addEventListener("DOMContentLoaded", () => {
  // Where people may type new names (select2's "tags" mode), the typed text goes last
  // in the list, so Enter picks the existing "Samarinda" rather than creating "Samar".
  // Widgets that Django's autocomplete.js built before this ran are built again.
  const $ = window.django?.jQuery;
  if ($?.fn.select2) {
    $.fn.select2.defaults.set("insertTag", (data, tag) => data.push(tag));
    $("select.admin-autocomplete.select2-hidden-accessible[data-tags=true]")
      .select2("destroy")
      .djangoAdminSelect2();
  }

  const selects = Array.from(document.querySelectorAll("select[data-suggest-url]"));
  if (!selects.length) {
    return;
  }
  const form = selects[0].form;
  const WAIT_MS = 800;
  const value = (name) => form.elements.namedItem(name)?.value ?? "";
  // The rich-text editor shows the body before it copies it into its textarea.
  const body = () =>
    form.querySelector(".field-body [contenteditable=true]")?.innerHTML ?? value("body");

  const boxes = new Map();
  for (const select of selects) {
    const box = document.createElement("div");
    box.className = "help tag-suggestions";
    box.setAttribute("aria-live", "polite");
    // Under the field, above its help text (Django's admin wraps both in a flex row).
    (select.closest(".flex-container") ?? select).after(box);
    boxes.set(select, box);
  }

  const add = (select, result) => {
    let option = Array.from(select.options).find((o) => o.value === String(result.id));
    if (!option) {
      option = new Option(result.text, result.id);
      select.append(option);
    }
    option.selected = true;
    // select2 redraws its chips on "change".
    select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  const show = (select, results) => {
    const box = boxes.get(select);
    const chosen = new Set(Array.from(select.selectedOptions, (o) => o.value));
    const fresh = results.filter((result) => !chosen.has(String(result.id)));
    box.replaceChildren();
    if (!fresh.length) {
      return;
    }
    box.append(`${select.dataset.suggestLabel} `);
    fresh.forEach((result, index) => {
      if (index) {
        box.append(" · ");
      }
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "tag-suggestion";
      chip.textContent = result.text;
      chip.addEventListener("click", () => {
        add(select, result);
        show(select, results);
      });
      box.append(chip);
    });
  };

  let timer = null;
  let asked = null;
  const refresh = async () => {
    const text = { title: value("title"), lead: value("lead"), body: body() };
    const key = JSON.stringify(text);
    if (key === asked) {
      return;
    }
    asked = key;
    const data = new FormData();
    for (const [name, content] of Object.entries(text)) {
      data.set(name, content);
    }
    const headers = { "X-CSRFToken": value("csrfmiddlewaretoken") };
    for (const select of selects) {
      try {
        const response = await fetch(select.dataset.suggestUrl, { method: "POST", body: data, headers });
        if (response.ok) {
          show(select, (await response.json()).results);
        }
      } catch {
        // Suggestions are a help, never a reason to stop someone writing.
      }
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, WAIT_MS);
  };
  form.addEventListener("input", schedule);
  for (const select of selects) {
    select.addEventListener("change", () => {
      asked = null;
      schedule();
    });
  }
  refresh();
});

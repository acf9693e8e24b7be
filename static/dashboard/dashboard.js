/* Progressive enhancement only: search suggestions and re-test progress. Works without it. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  function setupSuggestions() {
    const source = document.getElementById("site-search");
    const list = document.getElementById("search-suggestions");
    if (!source || !list) return;
    const url = source.dataset.suggestUrl;
    const urls = new Map();
    const inputs = document.querySelectorAll('input[list="search-suggestions"]');
    const fetchSuggestions = debounce(function (value) {
      if (value.trim().length < 2) return;
      fetch(url + "?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => {
          list.replaceChildren();
          urls.clear();
          for (const item of data.results) {
            const option = document.createElement("option");
            option.value = item.name;
            if (item.abbreviation) option.label = item.abbreviation;
            list.appendChild(option);
            urls.set(item.name, item.url);
          }
        })
        .catch(() => {});
    }, 200);
    inputs.forEach((input) => {
      input.addEventListener("input", function (event) {
        // Choosing a suggestion goes straight to that organisation's scorecard.
        if (urls.has(input.value) && event.inputType !== "insertText") {
          window.location.assign(urls.get(input.value));
          return;
        }
        fetchSuggestions(input.value);
      });
    });
  }

  function setupProgress() {
    const box = document.querySelector(".progress-box[data-progress-url]");
    if (!box) return;
    const bar = box.querySelector("progress");
    const text = box.querySelector(".progress-text");
    function poll() {
      fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } })
        .then((response) => response.json())
        .then((scan) => {
          bar.max = Math.max(scan.domains_total, 1);
          bar.value = scan.domains_done;
          if (scan.finished) {
            text.textContent = scan.status === "failed" ? box.dataset.failedText : box.dataset.doneText;
          } else {
            text.textContent = scan.domains_done + " / " + scan.domains_total;
            setTimeout(poll, 2000);
          }
        })
        .catch(() => setTimeout(poll, 5000));
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSuggestions();
    setupProgress();
  });
})();

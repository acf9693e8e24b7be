/* Progressive enhancement only: search suggestions, re-test progress and tables that stack
   on a phone. Works without it (the tables then scroll sideways in their own box). */
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

  // Each data cell gets its column's heading as data-label, which the style sheet shows
  // before the cell when a table that does not fit its box is stacked (dashboard.css,
  // "stacked"). The roles are the elements' own, stated so that they survive the
  // stacking's display. Checked again when the window's width changes.
  function fitTables(tables) {
    tables.forEach((table) => table.classList.remove("stacked"));
    const wide = tables.filter((table) => table.offsetWidth > table.parentElement.clientWidth + 1);
    wide.forEach((table) => table.classList.add("stacked"));
  }

  function setupStackedTables() {
    const tables = [];
    const roles = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TR: "row", TD: "cell" };
    document.querySelectorAll("table.utrecht-table").forEach((table) => {
      const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || !table.tBodies.length) return;
      const labels = [];
      for (const cell of head.cells) {
        for (let i = 0; i < cell.colSpan; i++) labels.push(cell.textContent.trim());
      }
      table.querySelectorAll("table, thead, tbody, tr, td").forEach((element) => {
        if (element.closest("table") === table || element === table) {
          element.setAttribute("role", roles[element.tagName]);
        }
      });
      table.querySelectorAll("th").forEach((th) => {
        th.setAttribute("role", th.getAttribute("scope") === "row" ? "rowheader" : "columnheader");
      });
      for (const body of table.tBodies) {
        for (const row of body.rows) {
          let column = 0;
          for (const cell of row.cells) {
            if (labels[column]) cell.dataset.label = labels[column];
            column += cell.colSpan;
          }
        }
      }
      tables.push(table);
    });
    fitTables(tables);
    let width = window.innerWidth;
    window.addEventListener("resize", debounce(function () {
      if (window.innerWidth !== width) fitTables(tables);
      width = window.innerWidth;
    }, 100));
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupStackedTables();
    setupSuggestions();
    setupProgress();
  });
})();

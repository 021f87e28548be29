/* Findings filter: a text filter, source and category selects, counts that follow. A long table shows
   its first rows (data-limit) until a filter is set or "show all" is pressed. Without this script the
   controls stay hidden and every row is shown; a printout shows every row too. */
(function () {
  "use strict";
  var box = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  if (!box || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var text = document.getElementById("filter-text");
  var source = document.getElementById("filter-source");
  var category = document.getElementById("filter-category");
  var count = document.getElementById("filter-count");
  var more = document.getElementById("show-all");
  var limit = parseInt(box.getAttribute("data-limit"), 10) || rows.length;
  var shownText = box.getAttribute("data-shown") || "{shown} of {total} findings shown";
  var all = rows.length <= limit;
  var labels = {};
  [source, category].forEach(function (sel) {
    Array.prototype.forEach.call(sel.options, function (o) { labels[sel.id + "\u0000" + o.value] = o.textContent; });
  });

  function matches(row, q, s, c) {
    return (!q || row.getAttribute("data-text").indexOf(q) !== -1) &&
      (!s || row.getAttribute("data-source") === s) &&
      (!c || row.getAttribute("data-category") === c);
  }

  // each option shows how many rows it would leave, given the other filters
  function relabel(sel, q, s, c, attr) {
    Array.prototype.forEach.call(sel.options, function (o) {
      var n = 0;
      rows.forEach(function (r) {
        if (matches(r, q, attr === "data-source" ? o.value : s, attr === "data-category" ? o.value : c)) { n++; }
      });
      o.textContent = labels[sel.id + "\u0000" + o.value] + " (" + n + ")";
    });
  }

  function apply() {
    var q = text.value.trim().toLowerCase(), s = source.value, c = category.value, shown = 0;
    var open = all || q || s || c;  // a filter shows everything it matches
    rows.forEach(function (r, i) {
      var ok = matches(r, q, s, c);
      r.classList.toggle("filtered-out", !ok);
      r.classList.toggle("over-limit", ok && !open && i >= limit);
      if (ok && (open || i < limit)) { shown++; }
    });
    count.textContent = shownText.replace("{shown}", shown).replace("{total}", rows.length);
    more.hidden = open;
    relabel(source, q, s, c, "data-source");
    relabel(category, q, s, c, "data-category");
  }

  text.addEventListener("input", apply);
  source.addEventListener("change", apply);
  category.addEventListener("change", apply);
  more.addEventListener("click", function () { all = true; apply(); });
  box.hidden = false;
  apply();
})();

{% raw %}/* kursk-site search: reads window.KURSK_SEARCH (search-index.js, loaded by a plain <script>) and lists
   matching articles. No fetch, no modules, so it works from disk as well as from a web server. */
(function () {
  "use strict";
  var data = window.KURSK_SEARCH;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var MAX_SHOWN = 50;
  if (!form || !input || !status || !list) { return; }
  if (!data || !data.docs) {
    status.textContent = "The search index did not load. Rebuild the site with search switched on.";
    return;
  }

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }
  function words(text) {  // (a possessive's "s" is no word of its own: Kursk's is Kursk)
    return fold(text).replace(/['\u2019]s(?![\p{L}\p{N}])/gu, "").match(/[\p{L}\p{N}]+/gu) || [];
  }
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];
  function day(iso) {  // 2024-03-01 -> 1 March 2024, as the pages show dates
    var parts = iso.split("-");
    return parts.length === 3 ? Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0] : iso;
  }
  function quoted(query) {  // the query as the status repeats it: a very long one is cut
    var text = query.trim();
    return "\u201c" + (text.length > 80 ? text.slice(0, 79) + "\u2026" : text) + "\u201d";
  }
  function remember(query) {  // the query in the address, so Back, a reload or a bookmark brings the results back
    try {
      var url = new URL(window.location.href);
      if (query.trim()) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.href);
    } catch (e) { /* some browsers refuse it for file:// pages: the search works all the same */ }
  }

  // Each field's words, with the weight a match in it counts.
  var rows = data.docs.map(function (d, order) {
    var sections = d[4].map(function (i) { return data.sections[i][1]; });
    var topics = d[5].map(function (i) { return data.topics[i]; });
    var headings = d[6].map(function (i) { return data.headings[i]; });
    return {
      order: order, title: d[0], path: data.path[0] + d[1] + data.path[1], date: d[2], summary: d[3],
      sections: sections, language: (data.languages || {})[order] || null,
      fields: [
        [words(d[0]), 8], [words(topics.join(" ")), 5], [words(headings.join(" ")), 4],
        [words(sections.join(" ")), 3], [words(d[3]), 2], [words(d[7]), 1]
      ]
    };
  });

  function score(row, terms) {
    var total = 0;
    for (var t = 0; t < terms.length; t++) {
      var best = 0;
      for (var f = 0; f < row.fields.length; f++) {
        var fieldWords = row.fields[f][0], weight = row.fields[f][1];
        if (weight <= best) { continue; }
        for (var w = 0; w < fieldWords.length; w++) {
          if (fieldWords[w] === terms[t]) { best = weight * 2; break; }
          if (fieldWords[w].lastIndexOf(terms[t], 0) === 0) { best = Math.max(best, weight); }
        }
      }
      if (best === 0) { return 0; }
      total += best;
    }
    return total;
  }

  // An article in another language than the site's: its own text marked (a reader's voice, its direction).
  function mark(element, language) {
    if (language) { element.lang = language[0]; element.dir = language[1]; }
  }

  function item(row) {
    var li = document.createElement("li");
    var h = document.createElement("h2");
    h.className = "item-title";
    var a = document.createElement("a");
    a.href = row.path;
    a.textContent = row.title;
    mark(a, row.language);
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p");
    meta.className = "item-meta";
    var time = document.createElement("time");
    time.dateTime = row.date;
    time.textContent = day(row.date);
    meta.appendChild(time);
    if (row.sections.length) { meta.appendChild(document.createTextNode(" · " + row.sections.join(", "))); }
    li.appendChild(meta);
    if (row.summary) {
      var p = document.createElement("p");
      p.className = "item-summary";
      p.textContent = row.summary;
      mark(p, row.language);
      li.appendChild(p);
    }
    return li;
  }

  function run(query) {
    var terms = words(query);
    list.textContent = "";
    if (!terms.length) {
      status.textContent = "Type a word or two to search " + rows.length + " article" + (rows.length === 1 ? "" : "s") + ".";
      return;
    }
    var found = [];
    for (var i = 0; i < rows.length; i++) {
      var s = score(rows[i], terms);
      if (s > 0) { found.push([s, rows[i]]); }
    }
    found.sort(function (x, y) { return y[0] - x[0] || x[1].order - y[1].order; });
    found.slice(0, MAX_SHOWN).forEach(function (hit) { list.appendChild(item(hit[1])); });
    var n = found.length;
    status.textContent = n === 0 ? "No article matches " + quoted(query) + " in its title, summary, topics, " +
      "sections, headings, sources or key terms (the words that set each article apart; not every word)." :
      n + " article" + (n === 1 ? "" : "s") + " match" + (n === 1 ? "es" : "") + " " + quoted(query) +
      (n > MAX_SHOWN ? "; the first " + MAX_SHOWN + " are shown." : ".");
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); remember(input.value); }, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
    remember(input.value);
  });
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  run(initial);
  if (!initial) { input.focus(); }
}());
{% endraw %}

/* gbakg site: search on the index (English or Chinese, traditional or simplified) and the small
 * network drawing on a profile page. Data arrives as JSON and is shown as text only. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // ---- search: names folded as gbakg.names.key folds them (case, typography, traditional → simplified)
  var TYPO = { "\u2018": "'", "\u2019": "'", "\u201c": "\"", "\u201d": "\"", "\u2013": "-", "\u2014": "-" };
  function fold(s) {
    var out = "", table = window.GBAKG_FOLD || {};
    s = s.replace(/\s+/g, " ").trim();
    for (var k = 0; k < s.length; k++) { var c = TYPO[s[k]] || s[k]; out += table[c] || c; }
    return out.toLowerCase();
  }
  function search(q) {
    q = fold(q);
    if (!q) return [];
    var buckets = [[], [], []];
    (window.GBAKG_INDEX || []).forEach(function (row) {
      var best = 3;
      row.k.forEach(function (s) { best = Math.min(best, s === q ? 0 : s.indexOf(q) === 0 ? 1 : s.indexOf(q) >= 0 ? 2 : 3); });
      if (best < 3) buckets[best].push(row);
    });
    return buckets[0].concat(buckets[1], buckets[2]).slice(0, 30);
  }
  var box = $("q");
  if (box) {
    var show = function () {
      var list = $("results");
      list.replaceChildren();
      search(box.value).forEach(function (row) {
        var li = el("li"), a = el("a", row.l, { href: row.u });
        li.appendChild(a);
        if (row.z) li.appendChild(el("span", " " + row.z, { lang: "zh", "class": "zh" }));
        li.appendChild(el("span", row.c, { "class": "sub" }));
        list.appendChild(li);
      });
    };
    box.addEventListener("input", show);
    if (location.hash.indexOf("#q=") === 0) { box.value = decodeURIComponent(location.hash.slice(3)); show(); }
  }

  // ---- the profile's neighbours, drawn with the explorer's renderer (vis-network) -------------
  var data = $("ego-data");
  if (data && window.vis) {
    var D = JSON.parse(data.textContent);
    var nodes = new vis.DataSet(D.nodes.map(function (n, i) {
      return { id: i, label: n.l, title: n.l, color: n.c, shape: "dot", size: i === 0 ? 18 : 10, font: { size: i === 0 ? 16 : 12 } };
    }));
    var edges = new vis.DataSet(D.edges.map(function (e, j) { return { id: j, from: e[0], to: e[1], color: "#bbb" }; }));
    var net = new vis.Network($("ego"), { nodes: nodes, edges: edges }, {
      physics: { solver: "barnesHut", stabilization: { iterations: 150 } },
      interaction: { hover: true }
    });
    net.on("click", function (p) { if (p.nodes.length && p.nodes[0] !== 0) location.href = D.nodes[p.nodes[0]].u; });
    net.once("stabilizationIterationsDone", function () { net.setOptions({ physics: false }); document.body.setAttribute("data-drawn", "1"); });
    window.gbakgEgo = net;
  }
  document.body.setAttribute("data-ready", "1");
})();

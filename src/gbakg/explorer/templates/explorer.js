/* gbakg explorer: draws the JSON document written by gbakg.viz with vis-network.
 * Every text from the data is shown through textContent, canvas drawing or vis-network's
 * plain-text tooltips; nothing here parses data as HTML. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gbakg-data").textContent);
  var N = D.nodes, E = D.edges, opts = D.options;
  var FADED = "rgba(205,205,205,0.45)", PATH = "#d62728", LINK_LIMIT = 200, FADE_LIMIT = 5000;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, props, children) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") e.textContent = props[k];
      else if (k === "cls") e.className = props[k];
      else e.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function short(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function fmt(v) { return Math.abs(v) >= 100 || v === Math.round(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(3); }

  // ---- adjacency, highlight sets ------------------------------------------------------------
  var adj = N.map(function () { return []; });
  E.forEach(function (e, j) { adj[e[0]].push(j); if (e[1] !== e[0]) adj[e[1]].push(j); });
  var HL = D.highlight, hlNodes = new Set(HL ? HL.nodes : []), hlEdges = new Set(HL ? HL.edges : []);

  // ---- tooltips and styles ------------------------------------------------------------------
  function quoteLine(q) {
    var Q = D.quotes[q], S = D.sources[Q[0]];
    return "“" + short(Q[1], 160) + "” — " + (S[1] || S[0]);
  }
  function nodeTitle(i) {
    var n = N[i], lines = [n.l, D.classes[n.c].label + (n.p !== undefined ? " · " + N[n.p].l : "")];
    if (n.d) lines.push(n.d.map(function (p) { return p[0] + ": " + p[1]; }).join("; "));
    if (n.q && n.q.length) lines.push(quoteLine(n.q[0]));
    lines.push(adj[i].length + " link" + (adj[i].length === 1 ? "" : "s") + " · click for evidence");
    return lines.join("\n");
  }
  function edgeTitle(j) {
    var e = E[j], lines = [N[e[0]].l + " → " + D.relations[e[2]].label + " → " + N[e[1]].l];
    if (e[3].length) lines.push(quoteLine(e[3][0]));
    if (e[3].length > 1) lines.push("and " + (e[3].length - 1) + " more quote(s)");
    return lines.join("\n");
  }
  function baseColor(i) {
    var n = N[i];
    return opts.colorBy === "community" && n.m !== undefined ? D.communities[n.m].color : D.classes[n.c].color;
  }
  function nodeStyle(i, faded) {
    if (faded) return { id: i, color: FADED, font: { color: "rgba(150,150,150,0.25)", strokeWidth: 0 }, borderWidth: 1 };
    var c = baseColor(i), onPath = hlNodes.has(i);
    return { id: i, color: { background: c, border: onPath ? PATH : c, highlight: { background: c, border: "#222" },
      hover: { background: c, border: "#222" } }, borderWidth: onPath ? 4 : 1, font: { color: "#222", strokeWidth: 3 } };
  }
  function edgeStyle(j, faded) {
    var r = D.relations[E[j][2]], onPath = hlEdges.has(j);
    if (faded) return { id: j, color: { color: "#e4e4e4", highlight: "#e4e4e4", hover: "#e4e4e4" }, font: { color: "rgba(0,0,0,0)" }, width: 1 };
    var c = onPath ? PATH : r.color;
    return { id: j, color: { color: c, highlight: c, hover: c }, font: { color: "#555" }, width: onPath ? 4 : 1.2 };
  }

  // ---- the network --------------------------------------------------------------------------
  var big = !opts.physics;
  var nodes = new vis.DataSet(N.map(function (n, i) {
    var o = nodeStyle(i, false);
    o.label = n.l; o.title = nodeTitle(i); o.size = n.s || 12;
    if (n.x !== undefined) { o.x = n.x; o.y = n.y; }
    return o;
  }));
  var edges = new vis.DataSet(E.map(function (e, j) {
    var o = edgeStyle(j, false);
    o.from = e[0]; o.to = e[1]; o.title = edgeTitle(j);
    if (opts.edgeLabels) o.label = D.relations[e[2]].label;
    if (e[4]) o.smooth = { enabled: true, type: e[4] > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(e[4]) };
    return o;
  }));
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, {
    nodes: { shape: "dot", font: { size: 13, strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: {
      arrows: opts.directed ? { to: { enabled: true, scaleFactor: 0.5 } } : { to: { enabled: false } },
      font: { size: 10, strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
      smooth: big || E.length > 300 ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      selectionWidth: 2
    },
    physics: {
      enabled: opts.physics, solver: "barnesHut",
      barnesHut: { gravitationalConstant: -5000, springLength: 130, springConstant: 0.03, damping: 0.35, avoidOverlap: 0.2 },
      stabilization: { enabled: true, iterations: N.length > 500 ? 100 : N.length > 50 ? 150 : 300, updateInterval: 50, fit: true }
    },
    layout: { improvedLayout: N.length <= 50, randomSeed: 7 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big, keyboard: false }
  });
  window.network = network;

  // ---- panel ----------------------------------------------------------------------------------
  var panel = $("panel");
  function clearPanel() { panel.replaceChildren(); panel.scrollTop = 0; return panel; }
  function hint() {
    clearPanel().appendChild(el("p", { cls: "hint", text: "Click a node or a link to see what it is and the evidence behind it." }));
  }
  function nodeLink(i) {
    var b = el("button", { type: "button", cls: "linklike", text: N[i].l });
    b.addEventListener("click", function () { selectNode(i, true); });
    return b;
  }
  function quoteBlock(q) {
    var Q = D.quotes[q], S = D.sources[Q[0]];
    return el("blockquote", null, [Q[1], el("span", { cls: "source", text: "— " + (S[1] ? S[1] + " (" + S[0] + ")" : S[0]) })]);
  }
  function row(dl, key, value) {
    dl.appendChild(el("dt", { text: key }));
    dl.appendChild(el("dd", null, [value]));
  }
  function evidence(parent, qs, none) {
    if (qs && qs.length) qs.forEach(function (q) { parent.appendChild(quoteBlock(q)); });
    else if (none) parent.appendChild(el("p", { cls: "hint", text: none }));
  }
  function showNode(i) {
    var n = N[i], P = clearPanel(), cls = D.classes[n.c], dl = el("dl");
    P.appendChild(el("h2", { text: n.l }));
    row(dl, "Type", cls.label + (cls.id ? " (" + cls.id + ")" : ""));
    if (n.p !== undefined) row(dl, "Place", nodeLink(n.p));
    if (n.h !== undefined) row(dl, "City or region", nodeLink(n.h));
    if (n.a) row(dl, "Also known as", n.a.join(", "));
    (n.d || []).concat(n.o || []).forEach(function (p) { row(dl, p[0], p[1]); });
    if (n.v !== undefined && opts.sizeBy) row(dl, opts.sizeBy, fmt(n.v));
    if (n.m !== undefined) row(dl, "Community", String(n.m + 1));
    P.appendChild(dl);
    P.appendChild(el("div", { cls: "iri", text: n.k }));
    if (n.q && n.q.length) { P.appendChild(el("h3", { text: "Evidence" })); evidence(P, n.q); }
    var links = adj[i], ul = el("ul", { cls: "links" });
    P.appendChild(el("h3", { text: "Links (" + links.length + ")" }));
    links.slice(0, LINK_LIMIT).forEach(function (j) {
      var e = E[j], out = e[0] === i, other = out ? e[1] : e[0], li = el("li");
      li.appendChild(el("div", null, [el("span", { cls: "rel", text: (out ? "→ " : "← ") + D.relations[e[2]].label + " " }), nodeLink(other)]));
      evidence(li, e[3], "No quote recorded for this link.");
      ul.appendChild(li);
    });
    P.appendChild(ul);
    if (links.length > LINK_LIMIT) P.appendChild(el("p", { cls: "hint", text: "and " + (links.length - LINK_LIMIT) + " more links" }));
  }
  function showEdge(j) {
    var e = E[j], r = D.relations[e[2]], P = clearPanel(), dl = el("dl");
    P.appendChild(el("h2", { text: N[e[0]].l + " → " + r.label + " → " + N[e[1]].l }));
    row(dl, "Relation", r.label + " (" + r.id + ")");
    row(dl, "From", nodeLink(e[0]));
    row(dl, "To", nodeLink(e[1]));
    P.appendChild(dl);
    P.appendChild(el("h3", { text: "Evidence" }));
    evidence(P, e[3], "No quote recorded for this link.");
  }
  function showPath() {
    var P = clearPanel(), hops = HL.nodes, list = el("div", { cls: "path" });
    P.appendChild(el("h2", { text: "Path: " + N[hops[0]].l + " → " + N[hops[hops.length - 1]].l }));
    P.appendChild(el("p", { text: (hops.length - 1) + " step" + (hops.length === 2 ? "" : "s") + "; each link with its evidence." }));
    list.appendChild(el("div", { cls: "stop" }, [nodeLink(hops[0])]));
    for (var k = 0; k + 1 < hops.length; k++) {
      var hop = el("div", { cls: "hop" });
      HL.edges.forEach(function (j) {
        var e = E[j];
        if ((e[0] === hops[k] && e[1] === hops[k + 1]) || (e[1] === hops[k] && e[0] === hops[k + 1])) {
          hop.appendChild(el("div", { cls: "rel", text: N[e[0]].l + " → " + D.relations[e[2]].label + " → " + N[e[1]].l }));
          evidence(hop, e[3], "No quote recorded for this link.");
        }
      });
      list.appendChild(hop);
      list.appendChild(el("div", { cls: "stop" }, [nodeLink(hops[k + 1])]));
    }
    P.appendChild(list);
  }

  // ---- neighbourhood highlight ----------------------------------------------------------------
  var fadedN = new Uint8Array(N.length), fadedE = new Uint8Array(E.length);
  function fadeExcept(keepN, keepE) {
    // on big graphs restyling every node costs seconds: the selection's own highlight stands in
    if (N.length > FADE_LIMIT) return;
    var nu = [], eu = [], i, f;
    for (i = 0; i < N.length; i++) {
      f = keepN && !keepN.has(i) ? 1 : 0;
      if (f !== fadedN[i]) { fadedN[i] = f; nu.push(nodeStyle(i, f)); }
    }
    for (i = 0; i < E.length; i++) {
      f = keepE && !keepE.has(i) ? 1 : 0;
      if (f !== fadedE[i]) { fadedE[i] = f; eu.push(edgeStyle(i, f)); }
    }
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
  }
  function neighbourhood(i) {
    var keepN = new Set([i]), keepE = new Set(adj[i]);
    adj[i].forEach(function (j) { keepN.add(E[j][0]); keepN.add(E[j][1]); });
    fadeExcept(keepN, keepE);
  }
  function selectNode(i, zoom) {
    if (hiddenN[i]) resetFilters();
    network.selectNodes([i]);
    if (zoom) {
      document.body.setAttribute("data-moving", "1");  // cleared when the camera stops (tests wait for it)
      network.focus(i, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    }
    neighbourhood(i);
    showNode(i);
  }
  network.on("animationFinished", function () { document.body.removeAttribute("data-moving"); });
  network.on("click", function (p) {
    if (p.nodes.length) { neighbourhood(p.nodes[0]); showNode(p.nodes[0]); }
    else if (p.edges.length) {
      var e = E[p.edges[0]];
      fadeExcept(new Set([e[0], e[1]]), new Set([p.edges[0]]));
      showEdge(p.edges[0]);
    } else { fadeExcept(null, null); if (HL && HL.kind === "path") showPath(); else hint(); }
  });

  // ---- legend and filters ---------------------------------------------------------------------
  var classOn = D.classes.map(function () { return true; }), hiddenN = new Uint8Array(N.length);
  var placeSel = null, stageSel = null;
  function setStatus(shown) {
    var text = shown === N.length ? N.length + " nodes · " + E.length + " links" : "showing " + shown + " of " + N.length + " nodes";
    if (HL && HL.kind === "path") text += " · path of " + (HL.nodes.length - 1) + " step(s)";
    $("status").textContent = text;
  }
  function applyFilters() {
    var nu = [], eu = [], shown = 0, i, h;
    for (i = 0; i < N.length; i++) {
      var n = N[i];
      h = !classOn[n.c] || (placeSel !== null && !(n.pl && n.pl.indexOf(placeSel) >= 0)) ||
          (stageSel !== null && !(n.st && n.st.indexOf(stageSel) >= 0)) ? 1 : 0;
      if (h !== hiddenN[i]) { hiddenN[i] = h; nu.push({ id: i, hidden: !!h }); }
      if (!h) shown++;
    }
    if (nu.length) {
      nodes.update(nu);
      for (i = 0; i < E.length; i++) eu.push({ id: i, hidden: !!(hiddenN[E[i][0]] || hiddenN[E[i][1]]) });
      edges.update(eu);
    }
    setStatus(shown);
  }
  function resetFilters() {
    classOn = classOn.map(function () { return true; });
    document.querySelectorAll("#legend-classes input").forEach(function (b) { b.checked = true; });
    $("filter-place").value = ""; $("filter-stage").value = ""; placeSel = stageSel = null;
    applyFilters();
  }
  function swatch(color, line) {
    var s = el("span", { cls: line ? "swatch line" : "swatch" });
    s.style.backgroundColor = color;
    return s;
  }
  function byLabel(list) {
    return list.map(function (x, k) { return [x, k]; }).sort(function (a, b) { return a[0].label.localeCompare(b[0].label); });
  }
  byLabel(D.classes).forEach(function (pair) {
    var c = pair[0], k = pair[1], box = el("input", { type: "checkbox" });
    box.checked = true;
    box.addEventListener("change", function () { classOn[k] = box.checked; applyFilters(); });
    var parts = [box];
    if (opts.colorBy === "class") parts.push(swatch(c.color));
    parts.push(c.label + " ", el("span", { cls: "count", text: String(c.n) }));
    $("legend-classes").appendChild(el("li", null, [el("label", { title: c.id }, parts)]));
  });
  $("classes-all").addEventListener("click", resetFilters);
  $("classes-none").addEventListener("click", function () {
    classOn = classOn.map(function () { return false; });
    document.querySelectorAll("#legend-classes input").forEach(function (b) { b.checked = false; });
    applyFilters();
  });
  byLabel(D.relations).forEach(function (pair) {
    var r = pair[0];
    $("legend-relations").appendChild(el("li", { title: r.id }, [swatch(r.color, true), r.label + " ", el("span", { cls: "count", text: String(r.n) })]));
  });
  if (opts.colorBy === "community") {
    $("communities-section").hidden = false;
    D.communities.forEach(function (c, k) {
      $("legend-communities").appendChild(el("li", null, [swatch(c.color), "Community " + (k + 1) + " ", el("span", { cls: "count", text: String(c.n) })]));
    });
  }
  function fillSelect(select, list, key) {
    var counts = {};
    N.forEach(function (n) { (n[key] || []).forEach(function (p) { counts[p] = (counts[p] || 0) + 1; }); });
    list.forEach(function (i) { select.appendChild(el("option", { value: String(i), text: N[i].l + " (" + (counts[i] || 0) + ")" })); });
  }
  fillSelect($("filter-place"), D.places, "pl");
  fillSelect($("filter-stage"), D.stages, "st");
  $("filter-place").addEventListener("change", function () { placeSel = this.value === "" ? null : Number(this.value); applyFilters(); });
  $("filter-stage").addEventListener("change", function () { stageSel = this.value === "" ? null : Number(this.value); applyFilters(); });
  $("reset").addEventListener("click", resetFilters);
  $("fit").addEventListener("click", function () { network.fit({ animation: { duration: 400 } }); });
  $("physics").checked = opts.physics;
  $("physics").addEventListener("change", function () { network.setOptions({ physics: { enabled: this.checked } }); });

  // ---- search ---------------------------------------------------------------------------------
  var names = N.map(function (n) { return [n.l].concat(n.a || []).map(function (s) { return s.toLowerCase(); }); });
  var results = $("search-results"), input = $("search"), found = [], active = 0;
  function search(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    var buckets = [[], [], []];
    names.forEach(function (list, i) {
      var best = 3;
      list.forEach(function (s) { best = Math.min(best, s === q ? 0 : s.indexOf(q) === 0 ? 1 : s.indexOf(q) >= 0 ? 2 : 3); });
      if (best < 3) buckets[best].push(i);
    });
    return buckets.reduce(function (all, b) {
      return all.concat(b.sort(function (x, y) { return N[x].l.length - N[y].l.length || (N[x].l < N[y].l ? -1 : 1); }));
    }, []).slice(0, 20);
  }
  function renderResults() {
    results.replaceChildren();
    found.forEach(function (i, k) {
      var li = el("li", { role: "option", "aria-selected": String(k === active) }, [N[i].l, el("span", { cls: "sub", text: D.classes[N[i].c].label })]);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
      results.appendChild(li);
    });
    results.hidden = found.length === 0;
  }
  function pick(i) {
    input.value = N[i].l;
    found = []; renderResults();
    selectNode(i, true);
  }
  input.addEventListener("input", function () { found = search(input.value); active = 0; renderResults(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (found.length) { active = (active + (ev.key === "ArrowDown" ? 1 : found.length - 1)) % found.length; renderResults(); }
    } else if (ev.key === "Enter") {
      if (!found.length) found = search(input.value);
      if (found.length) pick(found[Math.min(active, found.length - 1)]);
    } else if (ev.key === "Escape") { found = []; renderResults(); }
  });
  input.addEventListener("blur", function () { found = []; renderResults(); });

  // ---- start ----------------------------------------------------------------------------------
  setStatus(N.length);
  var stable = !opts.physics || N.length === 0;
  function ready() {
    if (HL && HL.nodes.length) {
      if (HL.kind === "path") { network.fit({ nodes: HL.nodes }); showPath(); }
      else { network.selectNodes([HL.nodes[0]]); neighbourhood(HL.nodes[0]); showNode(HL.nodes[0]); }
    }
    network.once("afterDrawing", function () { window.gbakgReady = true; document.body.setAttribute("data-ready", "1"); });
    network.redraw();
  }
  if (stable) { network.fit(); ready(); }
  else network.once("stabilizationIterationsDone", function () {
    // past a few dozen nodes, endless jiggling costs more than it shows: stop, the toggle restarts it
    if (N.length > 50) { network.setOptions({ physics: { enabled: false } }); $("physics").checked = false; }
    stable = true;
    ready();
  });
})();

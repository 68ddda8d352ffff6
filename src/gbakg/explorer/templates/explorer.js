/* gbakg explorer: draws the JSON document written by gbakg.viz with vis-network.
 * Every text from the data is shown through textContent, canvas drawing or vis-network's
 * plain-text tooltips; nothing here parses data as HTML. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gbakg-data").textContent);
  var N = D.nodes, E = D.edges, opts = D.options, EY = D.edgeYears || [];
  var FADED = "rgba(205,205,205,0.45)", PATH = "#d62728", LINK_LIMIT = 200, FADE_LIMIT = 5000;
  var MOVING_NODES = opts.movingNodes === undefined ? 3000 : opts.movingNodes;  // drawn while the view moves (largest first; 0: all)
  var BASE = opts.base || "";  // the entities' namespace: addresses name them by slug
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

  // ---- names: the label language, and search keys folded as gbakg.names.key folds them -------
  var lang = opts.lang === "zh" ? "zh" : "en";
  function label(i) {
    var n = N[i];
    return lang === "zh" ? (n.z || n.l) : (n.e || n.l);
  }
  var TYPO = { "\u2018": "'", "\u2019": "'", "\u201c": "\"", "\u201d": "\"", "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-" };
  function fold(s) {
    var out = "", c, k;
    s = s.replace(/\s+/g, " ").trim();
    for (k = 0; k < s.length; k++) { c = s[k]; c = TYPO[c] || c; out += D.fold[c] || c; }
    return out.toLowerCase();
  }
  function nodeKey(i) { var k = N[i].k; return BASE && k.indexOf(BASE) === 0 ? k.slice(BASE.length) : k; }
  var byKey = {};
  N.forEach(function (n, i) { byKey[nodeKey(i)] = i; });

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
    var n = N[i], lines = [label(i), D.classes[n.c].label + (n.p !== undefined ? " · " + label(n.p) : "")];
    if (n.d) lines.push(n.d.map(function (p) { return p[0] + ": " + p[1]; }).join("; "));
    if (n.q && n.q.length) lines.push(quoteLine(n.q[0]));
    lines.push(adj[i].length + " link" + (adj[i].length === 1 ? "" : "s") + " · click for evidence");
    return lines.join("\n");
  }
  function edgeTitle(j) {
    var e = E[j], lines = [label(e[0]) + " → " + D.relations[e[2]].label + " → " + label(e[1])];
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
  // Sizes go in as values: vis-network scales the label with the node and skips labels smaller than
  // drawThreshold pixels, so at any zoom only the labels that fit are drawn; the rest show on hover.
  var big = !opts.physics;
  var nodes = new vis.DataSet(N.map(function (n, i) {
    var o = nodeStyle(i, false);
    o.label = label(i); o.title = nodeTitle(i); o.value = n.s || 12;
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
    nodes: {
      shape: "dot", font: { size: 13, strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { min: 8, max: 32, label: { enabled: true, min: 11, max: 56, drawThreshold: 9, maxVisible: 26 } }
    },
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

  // While the view moves, a big graph draws only its largest nodes (edges are hidden by the options
  // above); the whole graph is drawn again as soon as it stops.
  var movingSet = null, allIndices = null, stillTimer = null;
  if (MOVING_NODES > 0 && N.length > MOVING_NODES) {
    movingSet = N.map(function (n, i) { return i; })
      .sort(function (a, b) { return (N[b].s || 12) - (N[a].s || 12) || a - b; }).slice(0, MOVING_NODES);
  }
  function moving() {
    if (!movingSet) return;
    if (allIndices === null) {
      allIndices = network.body.nodeIndices;
      var shown = movingSet.filter(function (i) { return !hiddenN[i]; });
      network.body.nodeIndices = shown;
    }
    clearTimeout(stillTimer);
    stillTimer = setTimeout(still, 180);
  }
  function still() {
    var r = network.renderer;
    if (allIndices === null || r.dragging || r.zooming) { if (allIndices !== null) stillTimer = setTimeout(still, 180); return; }
    network.body.nodeIndices = allIndices;
    allIndices = null;
    network.redraw();
  }
  var draggingNode = false;  // moving one node about: draw everything, so it lands where it should
  network.on("dragStart", function (p) { draggingNode = p.nodes.length > 0; if (!draggingNode) moving(); });
  network.on("dragging", function (p) { if (!p.nodes.length) moving(); });
  network.on("dragEnd", function () { draggingNode = false; });
  network.on("zoom", moving);
  network.on("beforeDrawing", function () {  // catches a move's first frame, drawn before its event
    var r = network.renderer;
    if (movingSet && (r.zooming || (r.dragging && !draggingNode))) moving();
  });
  window.gbakgMoving = function () { return allIndices !== null; };

  // ---- the address holds the view: selection, filters, year, language, path or focus --------
  var state = { sel: null, year: null, place: null, stage: null, hide: [], view: null };
  function writeState() {
    var parts = [];
    if (state.sel !== null) parts.push("sel=" + encodeURIComponent(nodeKey(state.sel)));
    if (state.year !== null) parts.push("year=" + state.year);
    if (lang !== (opts.lang === "zh" ? "zh" : "en")) parts.push("lang=" + lang);
    if (placeSel !== null) parts.push("place=" + encodeURIComponent(nodeKey(placeSel)));
    if (stageSel !== null) parts.push("stage=" + encodeURIComponent(nodeKey(stageSel)));
    var off = D.classes.filter(function (c, k) { return !classOn[k]; }).map(function (c) { return encodeURIComponent(c.id); });
    if (off.join(",") !== DEFAULT_OFF.map(encodeURIComponent).join(",")) parts.push("hide=" + off.join(","));
    if (HL && HL.kind === "path" && HL.nodes.length) parts.push("path=" + encodeURIComponent(nodeKey(HL.nodes[0])) + "," + encodeURIComponent(nodeKey(HL.nodes[HL.nodes.length - 1])));
    if (HL && HL.kind === "focus" && HL.nodes.length) parts.push("focus=" + encodeURIComponent(nodeKey(HL.nodes[0])));
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname + location.search);
  }
  function readState() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var at = kv.indexOf("=");
      if (at > 0) out[kv.slice(0, at)] = kv.slice(at + 1);
    });
    return out;
  }

  // ---- panel ----------------------------------------------------------------------------------
  var panel = $("panel");
  function clearPanel() { panel.replaceChildren(); panel.scrollTop = 0; return panel; }
  function hint() {
    clearPanel().appendChild(el("p", { cls: "hint", text: "Click a node or a link to see what it is and the evidence behind it." }));
  }
  function nodeLink(i) {
    var b = el("button", { type: "button", cls: "linklike", text: label(i) });
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
    P.appendChild(el("h2", { text: label(i) }));
    var names = [n.l, n.e, n.z].filter(function (s, k, all) { return s && s !== label(i) && all.indexOf(s) === k; });
    if (names.length) row(dl, "Name", names.join(" · "));
    row(dl, "Type", cls.label + (cls.id ? " (" + cls.id + ")" : ""));
    if (n.p !== undefined) row(dl, "Place", nodeLink(n.p));
    if (n.h !== undefined) row(dl, "City or region", nodeLink(n.h));
    if (n.a) row(dl, "Also known as", n.a.join(", "));
    if (n.t) row(dl, "Shown from", String(n.t));
    (n.d || []).concat(n.o || []).forEach(function (p) { row(dl, p[0], p[1]); });
    if (n.v !== undefined && opts.sizeBy) row(dl, opts.sizeBy, fmt(n.v));
    if (n.m !== undefined) row(dl, "Community", String(n.m + 1));
    P.appendChild(dl);
    P.appendChild(el("div", { cls: "iri", text: n.k }));
    var focus = el("button", { type: "button", id: "focus-here", text: "Focus on its neighbourhood" });
    focus.addEventListener("click", function () { setFocus(i); });
    P.appendChild(el("div", { cls: "row" }, [focus]));
    if (n.q && n.q.length) { P.appendChild(el("h3", { text: "Evidence" })); evidence(P, n.q); }
    var links = adj[i].filter(function (j) { return !hiddenE(j); }), ul = el("ul", { cls: "links" });
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
    P.appendChild(el("h2", { text: label(e[0]) + " → " + r.label + " → " + label(e[1]) }));
    row(dl, "Relation", r.label + " (" + r.id + ")");
    row(dl, "From", nodeLink(e[0]));
    row(dl, "To", nodeLink(e[1]));
    if (EY[j]) row(dl, "Shown from", String(EY[j]));
    P.appendChild(dl);
    P.appendChild(el("h3", { text: "Evidence" }));
    evidence(P, e[3], "No quote recorded for this link.");
  }
  function showPath() {
    var P = clearPanel(), hops = HL.nodes, list = el("div", { cls: "path" });
    P.appendChild(el("h2", { text: "Path: " + label(hops[0]) + " → " + label(hops[hops.length - 1]) }));
    P.appendChild(el("p", { text: (hops.length - 1) + " step" + (hops.length === 2 ? "" : "s") + "; each link with its evidence." }));
    list.appendChild(el("div", { cls: "stop" }, [nodeLink(hops[0])]));
    for (var k = 0; k + 1 < hops.length; k++) {
      var hop = el("div", { cls: "hop" });
      HL.edges.forEach(function (j) {
        var e = E[j];
        if ((e[0] === hops[k] && e[1] === hops[k + 1]) || (e[1] === hops[k] && e[0] === hops[k + 1])) {
          hop.appendChild(el("div", { cls: "rel", text: label(e[0]) + " → " + D.relations[e[2]].label + " → " + label(e[1]) }));
          evidence(hop, e[3], "No quote recorded for this link.");
        }
      });
      list.appendChild(hop);
      list.appendChild(el("div", { cls: "stop" }, [nodeLink(hops[k + 1])]));
    }
    P.appendChild(list);
    var clear = el("button", { type: "button", id: "path-clear", text: "Leave the path" });
    clear.addEventListener("click", clearView);
    P.appendChild(clear);
  }

  // ---- fading: a selection, a path or a focus leaves everything else pale ---------------------
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
    var keepN = new Set([i]), keepE = new Set();
    adj[i].forEach(function (j) { if (!hiddenE(j)) { keepE.add(j); keepN.add(E[j][0]); keepN.add(E[j][1]); } });
    fadeExcept(keepN, keepE);
  }
  function restyle() {  // the path's own colours changed: redraw those
    var nu = [], eu = [];
    for (var i = 0; i < N.length; i++) nu.push(nodeStyle(i, fadedN[i]));
    for (var j = 0; j < E.length; j++) eu.push(edgeStyle(j, fadedE[j]));
    nodes.update(nu); edges.update(eu);
  }
  function applyView() {
    if (HL && HL.kind === "path") fadeExcept(new Set(HL.nodes), new Set(HL.edges));
    else if (HL && HL.kind === "focus") neighbourhood(HL.nodes[0]);
    else fadeExcept(null, null);
  }
  function setPath(hops, hopEdges) {
    HL = { kind: "path", nodes: hops, edges: hopEdges };
    hlNodes = new Set(hops); hlEdges = new Set(hopEdges);
    if (N.length <= FADE_LIMIT) restyle();
    applyView();
    network.selectNodes([]);
    network.fit({ nodes: hops, animation: { duration: 300 } });
    showPath();
    state.sel = null;
    writeState();
  }
  function setFocus(i) {
    HL = { kind: "focus", nodes: [i], edges: [] };
    hlNodes = new Set(); hlEdges = new Set();
    applyView();
    network.selectNodes([i]);
    showNode(i);
    state.sel = i;
    writeState();
  }
  function clearView() {
    var had = HL && HL.kind === "path";
    HL = null; hlNodes = new Set(); hlEdges = new Set();
    if (had && N.length <= FADE_LIMIT) restyle();
    fadeExcept(null, null);
    hint();
    writeState();
  }

  function selectNode(i, zoom) {
    if (hiddenN[i]) {  // show what was asked for: its class, and all years if it came later
      if (!classOn[N[i].c]) { classOn[N[i].c] = true; checkBoxes(); }
      if (!inYear(i)) setYear(null);
      if (hiddenN[i]) { placeSel = stageSel = null; $("filter-place").value = ""; $("filter-stage").value = ""; }
      applyFilters();
    }
    network.selectNodes([i]);
    if (zoom) {
      document.body.setAttribute("data-moving", "1");  // cleared when the camera stops (tests wait for it)
      network.focus(i, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    }
    if (HL && HL.kind === "focus") HL.nodes = [i];
    neighbourhood(i);
    showNode(i);
    state.sel = i;
    writeState();
  }
  network.on("animationFinished", function () { document.body.removeAttribute("data-moving"); });
  network.on("click", function (p) {
    if (p.nodes.length) { selectNode(p.nodes[0], false); }
    else if (p.edges.length) {
      var e = E[p.edges[0]];
      fadeExcept(new Set([e[0], e[1]]), new Set([p.edges[0]]));
      showEdge(p.edges[0]);
    } else {
      state.sel = null;
      applyView();
      if (HL && HL.kind === "path") showPath(); else hint();
      writeState();
    }
  });

  // ---- the year: the graph as it stood, by the rule of --as-of --------------------------------
  var years = [];
  (function () {
    var seen = {};
    N.forEach(function (n) { if (n.t) seen[n.t] = 1; });
    EY.forEach(function (y) { if (y) seen[y] = 1; });
    years = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
  })();
  function hiddenE(j) { return !!(hiddenN[E[j][0]] || hiddenN[E[j][1]] || (state.year !== null && EY[j] > state.year)); }
  function inYear(i) { return state.year === null || !(N[i].t > state.year); }

  // ---- legend and filters ---------------------------------------------------------------------
  var DEFAULT_OFF = D.classes.filter(function (c) { return (opts.hidden || []).indexOf(c.id) >= 0; }).map(function (c) { return c.id; });
  function defaultClasses() { return D.classes.map(function (c) { return DEFAULT_OFF.indexOf(c.id) < 0; }); }
  function checkBoxes() {
    document.querySelectorAll("#legend-classes input").forEach(function (b) {
      b.checked = classOn[D.classes.findIndex(function (c) { return c.id === b.getAttribute("data-class"); })];
    });
  }
  var classOn = defaultClasses(), hiddenN = new Uint8Array(N.length), hiddenEdge = new Uint8Array(E.length);
  var placeSel = null, stageSel = null;
  var counts = { nodes: N.length, links: E.length, shown: N.length };
  function setStatus() {
    var text = counts.shown === counts.nodes ? counts.nodes + " nodes · " + counts.links + " links"
      : "showing " + counts.shown + " of " + counts.nodes + " nodes";
    if (state.year !== null) text += " · as of " + state.year;
    if (HL && HL.kind === "path") text += " · path of " + (HL.nodes.length - 1) + " step(s)";
    $("status").textContent = text;
  }
  function applyFilters() {
    var nu = [], eu = [], shown = 0, inTime = 0, linksInTime = 0, i, h;
    for (i = 0; i < N.length; i++) {
      var n = N[i], present = inYear(i);
      if (present) inTime++;
      h = !present || !classOn[n.c] || (placeSel !== null && !(n.pl && n.pl.indexOf(placeSel) >= 0)) ||
          (stageSel !== null && !(n.st && n.st.indexOf(stageSel) >= 0)) ? 1 : 0;
      if (h !== hiddenN[i]) { hiddenN[i] = h; nu.push({ id: i, hidden: !!h }); }
      if (!h) shown++;
    }
    for (i = 0; i < E.length; i++) {
      if (state.year === null || !(EY[i] > state.year)) linksInTime++;
      h = hiddenE(i) ? 1 : 0;
      if (h !== hiddenEdge[i]) { hiddenEdge[i] = h; eu.push({ id: i, hidden: !!h }); }
    }
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    counts = { nodes: inTime, links: linksInTime, shown: shown };
    setStatus();
    writeState();
  }
  function resetFilters() {
    classOn = defaultClasses();
    checkBoxes();
    $("filter-place").value = ""; $("filter-stage").value = ""; placeSel = stageSel = null;
    setYear(null);
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
    var c = pair[0], k = pair[1], box = el("input", { type: "checkbox", "data-class": c.id });
    box.checked = classOn[k];
    box.addEventListener("change", function () { classOn[k] = box.checked; applyFilters(); });
    var parts = [box];
    if (opts.colorBy === "class") parts.push(swatch(c.color));
    parts.push(c.label + " ", el("span", { cls: "count", text: String(c.n) }));
    $("legend-classes").appendChild(el("li", null, [el("label", { title: c.id }, parts)]));
  });
  $("classes-all").addEventListener("click", function () {
    classOn = classOn.map(function () { return true; });
    document.querySelectorAll("#legend-classes input").forEach(function (b) { b.checked = true; });
    $("filter-place").value = ""; $("filter-stage").value = ""; placeSel = stageSel = null;
    applyFilters();
  });
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
    var tally = {};
    N.forEach(function (n) { (n[key] || []).forEach(function (p) { tally[p] = (tally[p] || 0) + 1; }); });
    select.querySelectorAll("option[value]:not([value=''])").forEach(function (o) { o.remove(); });
    list.forEach(function (i) { select.appendChild(el("option", { value: String(i), text: label(i) + " (" + (tally[i] || 0) + ")" })); });
  }
  function fillSelects() {
    fillSelect($("filter-place"), D.places, "pl");
    fillSelect($("filter-stage"), D.stages, "st");
    $("filter-place").value = placeSel === null ? "" : String(placeSel);
    $("filter-stage").value = stageSel === null ? "" : String(stageSel);
  }
  fillSelects();
  $("filter-place").addEventListener("change", function () { placeSel = this.value === "" ? null : Number(this.value); applyFilters(); });
  $("filter-stage").addEventListener("change", function () { stageSel = this.value === "" ? null : Number(this.value); applyFilters(); });
  $("reset").addEventListener("click", resetFilters);
  $("fit").addEventListener("click", function () { network.fit({ animation: { duration: 400 } }); });
  $("physics").checked = opts.physics;
  $("physics").addEventListener("change", function () { network.setOptions({ physics: { enabled: this.checked } }); });

  // ---- the time slider --------------------------------------------------------------------------
  var slider = $("year"), playing = null;
  function setYear(y) {
    state.year = y === null || years.length === 0 || y >= years[years.length - 1] ? null : y;
    if (years.length) {
      slider.value = String(state.year === null ? years.length : years.indexOf(state.year) >= 0 ? years.indexOf(state.year) : nearest(state.year));
      $("year-label").textContent = state.year === null ? "all years" : "as of " + state.year;
    }
    applyFilters();
  }
  function nearest(y) {
    var k = 0;
    while (k + 1 < years.length && years[k + 1] <= y) k++;
    return k;
  }
  if (years.length) {
    $("time-section").hidden = false;
    slider.min = "0"; slider.max = String(years.length); slider.value = String(years.length);
    $("year-first").textContent = String(years[0]);
    slider.addEventListener("input", function () {
      var k = Number(slider.value);
      setYear(k >= years.length ? null : years[k]);
    });
    $("play").addEventListener("click", function () {
      if (playing) { clearInterval(playing); playing = null; $("play").textContent = "Play"; return; }
      var k = state.year === null ? 0 : Number(slider.value);
      $("play").textContent = "Pause";
      setYear(years[k]);
      playing = setInterval(function () {
        k++;
        setYear(k >= years.length ? null : years[k]);
        if (k >= years.length) { clearInterval(playing); playing = null; $("play").textContent = "Play"; }
      }, 900);
    });
  }
  window.gbakgYear = function (y) { setYear(y); return { nodes: counts.nodes, links: counts.links }; };

  // ---- language ---------------------------------------------------------------------------------
  function setLang(to) {
    lang = to;
    $("lang").value = lang;
    document.documentElement.lang = lang === "zh" ? "zh" : "en";
    nodes.update(N.map(function (n, i) { return { id: i, label: label(i), title: nodeTitle(i) }; }));
    edges.update(E.map(function (e, j) { return { id: j, title: edgeTitle(j) }; }));
    fillSelects();
    writeState();
  }
  $("lang").value = lang;
  $("lang").addEventListener("change", function () {
    setLang(this.value);
    if (state.sel !== null) showNode(state.sel); else if (HL && HL.kind === "path") showPath();
  });

  // ---- search (English or Chinese, traditional or simplified, names and aliases) ---------------
  function search(q) {
    q = fold(q);
    if (!q) return [];
    var buckets = [[], [], []];
    N.forEach(function (n, i) {
      var best = 3;
      n.n.forEach(function (s) { best = Math.min(best, s === q ? 0 : s.indexOf(q) === 0 ? 1 : s.indexOf(q) >= 0 ? 2 : 3); });
      if (best < 3 && !(state.year !== null && !inYear(i))) buckets[best].push(i);
    });
    return buckets.reduce(function (all, b) {
      return all.concat(b.sort(function (x, y) { var a = label(x), c = label(y); return a.length - c.length || (a < c ? -1 : 1); }));
    }, []).slice(0, 20);
  }
  function picker(input, results, onPick) {
    var found = [], active = 0;
    function render() {
      results.replaceChildren();
      found.forEach(function (i, k) {
        var other = lang === "zh" ? (N[i].e || "") : (N[i].z || "");
        var li = el("li", { role: "option", "aria-selected": String(k === active) },
          [label(i), el("span", { cls: "sub", text: (other ? other + " · " : "") + D.classes[N[i].c].label })]);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        results.appendChild(li);
      });
      results.hidden = found.length === 0;
    }
    function pick(i) {
      input.value = label(i);
      input.setAttribute("data-node", String(i));
      found = []; render();
      onPick(i);
    }
    input.addEventListener("input", function () { input.removeAttribute("data-node"); found = search(input.value); active = 0; render(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        if (found.length) { active = (active + (ev.key === "ArrowDown" ? 1 : found.length - 1)) % found.length; render(); }
      } else if (ev.key === "Enter") {
        if (!found.length) found = search(input.value);
        if (found.length) pick(found[Math.min(active, found.length - 1)]);
      } else if (ev.key === "Escape") { found = []; render(); }
    });
    input.addEventListener("blur", function () { found = []; render(); });
    return function () {  // the node the box names: the one picked, else the best match
      if (input.hasAttribute("data-node")) return Number(input.getAttribute("data-node"));
      var best = search(input.value);
      return best.length ? best[0] : null;
    };
  }
  picker($("search"), $("search-results"), function (i) { selectNode(i, true); });
  var pathFrom = picker($("path-from"), $("path-from-results"), function () {});
  var pathTo = picker($("path-to"), $("path-to-results"), function () {});

  // ---- path between two entities, over the links on show (either direction) -------------------
  function shortestPath(a, b) {
    var prev = new Int32Array(N.length).fill(-1), via = new Int32Array(N.length).fill(-1), queue = [a], k = 0;
    prev[a] = a;
    while (k < queue.length) {
      var u = queue[k++];
      if (u === b) break;
      for (var t = 0; t < adj[u].length; t++) {
        var j = adj[u][t], e = E[j], v = e[0] === u ? e[1] : e[0];
        if (prev[v] === -1 && !hiddenE(j)) { prev[v] = u; via[v] = j; queue.push(v); }
      }
    }
    if (prev[b] === -1) return null;
    var hops = [b], hopEdges = [];
    for (var x = b; x !== a; x = prev[x]) { hops.push(prev[x]); hopEdges.push(via[x]); }
    return { nodes: hops.reverse(), edges: hopEdges.reverse() };
  }
  $("path-go").addEventListener("click", function () {
    var a = pathFrom(), b = pathTo(), msg = $("path-message");
    msg.textContent = "";
    if (a === null || b === null) { msg.textContent = "Pick both ends by name."; return; }
    var found = shortestPath(a, b);
    if (!found) { msg.textContent = "No path between " + label(a) + " and " + label(b) + " among the links on show."; return; }
    setPath(found.nodes, found.edges);
  });

  // ---- export: the view as PNG, what is on show as CSV ------------------------------------------
  function download(name, url) {
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a); a.click(); a.remove();
  }
  function csvCell(v) {
    var s = v === undefined || v === null ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet would run it as a formula
    return /[",\r\n]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }
  function csv(rows) { return rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n"; }
  function csvLink(rows) { return URL.createObjectURL(new Blob([csv(rows)], { type: "text/csv;charset=utf-8" })); }
  function visibleRows() {
    var ents = [["iri", "label", "label_en", "label_zh", "class", "place", "from_year"]], links = [["from", "from_label", "relation", "to", "to_label", "from_year", "quote", "source"]];
    N.forEach(function (n, i) {
      if (hiddenN[i] || fadedN[i]) return;
      ents.push([n.k, label(i), n.e || (lang === "en" ? "" : n.l), n.z || (lang === "zh" ? n.l : ""), D.classes[n.c].id, n.p !== undefined ? N[n.p].k : "", n.t || ""]);
    });
    E.forEach(function (e, j) {
      if (hiddenE(j) || fadedE[j]) return;
      var q = e[3].length ? D.quotes[e[3][0]] : null;
      links.push([N[e[0]].k, label(e[0]), D.relations[e[2]].id, N[e[1]].k, label(e[1]), EY[j] || "", q ? q[1] : "", q ? D.sources[q[0]][0] : ""]);
    });
    return { entities: ents, links: links };
  }
  window.gbakgVisible = visibleRows;
  $("export-entities").addEventListener("click", function () { download("gbakg-entities.csv", csvLink(visibleRows().entities)); });
  $("export-links").addEventListener("click", function () { download("gbakg-links.csv", csvLink(visibleRows().links)); });
  $("export-png").addEventListener("click", function () {
    var src = document.querySelector("#graph canvas"), out = document.createElement("canvas");
    out.width = src.width; out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    download("gbakg-view.png", out.toDataURL("image/png"));
  });

  // ---- start ----------------------------------------------------------------------------------
  function restore() {
    var s = readState();
    if (s.lang === "zh" || s.lang === "en") { if (s.lang !== lang) setLang(s.lang); }
    if (s.hide !== undefined) {
      var off = s.hide.split(",").map(decodeURIComponent);
      classOn = D.classes.map(function (c) { return off.indexOf(c.id) < 0; });
      checkBoxes();
    }
    if (s.place && byKey[decodeURIComponent(s.place)] !== undefined) placeSel = byKey[decodeURIComponent(s.place)];
    if (s.stage && byKey[decodeURIComponent(s.stage)] !== undefined) stageSel = byKey[decodeURIComponent(s.stage)];
    $("filter-place").value = placeSel === null ? "" : String(placeSel);
    $("filter-stage").value = stageSel === null ? "" : String(stageSel);
    if (s.year && /^-?\d+$/.test(s.year)) setYear(Number(s.year)); else applyFilters();
    if (s.path) {
      var ends = s.path.split(",").map(function (x) { return byKey[decodeURIComponent(x)]; });
      if (ends.length === 2 && ends[0] !== undefined && ends[1] !== undefined) {
        var found = shortestPath(ends[0], ends[1]);
        if (found) { $("path-from").value = label(ends[0]); $("path-to").value = label(ends[1]); setPath(found.nodes, found.edges); return; }
      }
    }
    if (s.focus && byKey[decodeURIComponent(s.focus)] !== undefined) { setFocus(byKey[decodeURIComponent(s.focus)]); return; }
    if (s.sel && byKey[decodeURIComponent(s.sel)] !== undefined) { selectNode(byKey[decodeURIComponent(s.sel)], false); return; }
    if (HL && HL.nodes.length) {
      if (HL.kind === "path") { applyView(); network.fit({ nodes: HL.nodes }); showPath(); }
      else { applyView(); network.selectNodes([HL.nodes[0]]); showNode(HL.nodes[0]); }
    }
  }
  // At the first zoom only the LABELLED largest nodes are named; zooming in names the rest as they fit.
  var LABELLED = 12;
  function labelThreshold() {
    if (!N.length) return;
    var sizes = N.map(function (n) { return n.s || 12; }).sort(function (a, b) { return b - a; });
    var top = sizes[0], low = sizes[sizes.length - 1], kth = sizes[Math.min(LABELLED, sizes.length) - 1];
    var font = top === low ? 33.5 : 11 + (kth - low) / (top - low) * (56 - 11);  // vis-network's linear scaling
    var t = Math.max(4, Math.min(14, font * network.getScale() - 0.01));
    network.setOptions({ nodes: { scaling: { label: { drawThreshold: t } } } });
  }
  setStatus();
  var stable = !opts.physics || N.length === 0;
  function ready() {
    labelThreshold();
    restore();
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

/* Chipgraph query page: highlighting, running queries in place, downloads, entity search.
   Plain JavaScript, no library and no network but this server: the page works offline, and
   without JavaScript the forms still submit to the server, which answers with HTML tables. */
"use strict";

const BASE = document.body.dataset.base || "/";
const ID_BASE = "https://w3id.org/chipgraph/id/";

/* The server's prefix table (prefix -> namespace), fetched once when results are first shown;
   without it IRIs are shown whole. */
let fetchedPrefixes = null;
function prefixes() {
  fetchedPrefixes ??= fetch(BASE + "prefixes.json")
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}));
  return fetchedPrefixes;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function localHref(iri) {
  if (iri.startsWith(ID_BASE)) return BASE + "id/" + iri.slice(ID_BASE.length);
  return /^https?:\/\//i.test(iri) ? iri : "#";  // never a javascript: link from the data
}

function shorten(iri, prefixTable) {
  let best = "", bestPrefix = "";
  for (const [prefix, ns] of Object.entries(prefixTable)) {
    if (iri.startsWith(ns) && ns.length > best.length) { best = ns; bestPrefix = prefix; }
  }
  return best && iri.length > best.length ? `${bestPrefix}:${iri.slice(best.length)}` : iri;
}

/* --- syntax highlighting: a <pre> under a transparent textarea ----------------------------- */

const TOKENS = new RegExp([
  "(#[^\\n]*)",                                                   // 1 comment
  "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
  "(<[^<>\"{}|^`\\\\\\s]*>)",                                       // 3 IRI
  "([?$][\\w\\u00b7-\\uffff]+)",                                   // 4 variable
  "\\b(SELECT|ASK|CONSTRUCT|DESCRIBE|WHERE|FROM|NAMED|PREFIX|BASE|OPTIONAL|FILTER|UNION|MINUS|GRAPH|BIND|AS|VALUES|" +
    "GROUP|BY|ORDER|ASC|DESC|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|NOT|EXISTS|IN|SERVICE|SILENT|INSERT|DELETE|DATA|" +
    "WITH|USING|CLEAR|DROP|LOAD|CREATE|a)\\b",                      // 5 keyword
  "([A-Za-z][\\w-]*:[\\w.%-]*|:[\\w.%-]+)",                        // 6 prefixed name
  "(\\b\\d+(?:\\.\\d+)?\\b)",                                       // 7 number
].join("|"), "gi");
const CLASSES = [null, "c", "s", "i", "v", "k", "p", "n"];

function escapeHtml(text) {
  return text.replace(/[&<>]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[ch]);
}

function highlight(text) {
  let html = "", last = 0;
  text.replace(TOKENS, (match, ...groups) => {
    const offset = groups[groups.length - 2];
    const kind = groups.slice(0, 7).findIndex((g) => g !== undefined) + 1;
    html += escapeHtml(text.slice(last, offset)) + `<span class="${CLASSES[kind]}">${escapeHtml(match)}</span>`;
    last = offset + match.length;
    return match;
  });
  return html + escapeHtml(text.slice(last)) + "\n";
}

/* --- results ------------------------------------------------------------------------------- */

function termNode(term, prefixTable) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") return el("a", { href: localHref(term.value), title: term.value }, shorten(term.value, prefixTable));
  if (term.type === "bnode") return document.createTextNode("_:" + term.value);
  if (term.type === "triple") return document.createTextNode("<< … >>");
  const span = el("span", term["xml:lang"] ? { lang: term["xml:lang"] } : {}, term.value);
  if (term.datatype && !term.datatype.endsWith("#string")) {
    const small = el("small", { class: "dt" }, " " + shorten(term.datatype, prefixTable));
    return el("span", {}, span, small);
  }
  return span;
}

function renderResults(data, output, prefixTable) {
  if ("boolean" in data) {
    output.append(el("p", { class: "boolean", id: "results" }, data.boolean ? "yes (true)" : "no (false)"));
    return 1;
  }
  const vars = data.head.vars, rows = data.results.bindings;
  output.append(el("p", { class: "count" }, `${rows.length} row${rows.length === 1 ? "" : "s"}`));
  const table = el("table", { class: "results", id: "results" });
  const head = el("tr");
  vars.forEach((v) => head.append(el("th", {}, v)));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    vars.forEach((v) => tr.append(el("td", {}, termNode(row[v], prefixTable))));
    body.append(tr);
  }
  table.append(body);
  output.append(el("div", { class: "scroll" }, table));
  return rows.length;
}

async function runQuery(form) {
  const output = document.getElementById("output"), status = document.getElementById("status");
  const format = form.elements.format.value;
  const accept = format === "html" ? "application/sparql-results+json, text/turtle;q=0.9" : "*/*";
  const body = new URLSearchParams({ query: form.elements.query.value });
  if (format !== "html") body.set("format", format);
  status.textContent = "Running…";
  output.replaceChildren();
  const started = performance.now();
  let response;
  try {
    response = await fetch(BASE + "sparql", { method: "POST", body, headers: { Accept: accept } });
  } catch (err) {
    status.textContent = "The server did not answer: " + err.message;
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    status.textContent = "";
    output.append(el("p", { class: "error", role: "alert" }, `${response.status}: ${await response.text()}`));
    return;
  }
  if (type.includes("sparql-results+json")) {
    const [data, prefixTable] = await Promise.all([response.json(), prefixes()]);
    const count = renderResults(data, output, prefixTable);
    status.textContent = `${count} result${count === 1 ? "" : "s"} in ${seconds} s`;
  } else {
    output.append(el("pre", { class: "raw", id: "results" }, await response.text()));
    status.textContent = `answered in ${seconds} s (${type.split(";")[0]})`;
  }
  const downloads = document.getElementById("downloads");
  for (const link of downloads.querySelectorAll("a")) {
    const params = new URLSearchParams({ query: form.elements.query.value, format: link.dataset.format, download: "1" });
    link.href = BASE + "sparql?" + params;
  }
  downloads.hidden = false;
}

function setUpEditor() {
  const form = document.getElementById("query-form");
  if (!form) return;
  const area = document.getElementById("query"), code = document.getElementById("highlight");
  const pre = code.parentElement;
  const sync = () => { code.innerHTML = highlight(area.value); pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; };
  area.addEventListener("input", sync);
  area.addEventListener("scroll", sync);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
    if (event.key === "Tab" && !event.shiftKey) { event.preventDefault(); document.execCommand("insertText", false, "  "); }
  });
  form.classList.add("enhanced");
  sync();
  form.addEventListener("submit", (event) => { event.preventDefault(); runQuery(form); });
}

/* --- entity search: suggestions while typing ------------------------------------------------ */

const squash = (text) => text.toLowerCase().replace(/[\s\p{P}]+/gu, "");

/* Whole-name matches first, then names that start with the text, then the rest; shorter first. */
function rank(rows, q) {
  const wanted = squash(q);
  const score = (row) => {
    const names = [row.label, row.labelEn].filter(Boolean).map((t) => squash(t.value));
    return names.includes(wanted) ? 0 : names.some((n) => n.startsWith(wanted)) ? 1 : 2;
  };
  return rows.map((row) => [score(row), row.label.value.length, row])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((item) => item[2]);
}

function setUpSearch() {
  const input = document.getElementById("search"), list = document.getElementById("suggestions");
  if (!input) return;
  let timer = null, seq = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim(), mine = ++seq;
      if (!q) { list.hidden = true; return; }
      const params = new URLSearchParams({ q, format: "json" });
      try {
        const response = await fetch(BASE + "queries/entities-search?" + params);
        if (!response.ok || mine !== seq) return;
        const rows = rank((await response.json()).results.bindings, q).slice(0, 12);
        list.replaceChildren(...rows.map((row) => {
          const label = row.label.value + (row.labelEn && row.labelEn.value !== row.label.value ? ` (${row.labelEn.value})` : "");
          const type = row.type ? ` · ${row.type.value}` : "";
          return el("li", {}, el("a", { href: localHref(row.entity.value) }, label), type);
        }));
        list.hidden = rows.length === 0;
      } catch (err) { list.hidden = true; }
    }, 150);
  });
  input.addEventListener("keydown", (event) => { if (event.key === "Escape") list.hidden = true; });
}

setUpEditor();
setUpSearch();

// Cards for the batch report, drawn from the JSON embedded in the page, one page at a time.
// Figure data is untrusted: it only ever reaches the page through textContent and setAttribute.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("figure-data").textContent);
  const byId = (id) => document.getElementById(id);
  const controls = { q: byId("q"), status: byId("status"), organism: byId("organism"), sort: byId("sort") };
  const grid = byId("cards");
  const template = byId("card-template");
  const known = new Set(["converted", "skipped", "failed", "valid", "warnings", "invalid"]);
  const number = new Intl.NumberFormat("en");
  const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

  // Only web links and paths inside the report folder become hrefs (never javascript: or data: URLs).
  const safeHref = (href) => {
    if (typeof href !== "string" || href === "") return "";
    if (/^https?:\/\//i.test(href)) return href;
    return /^[a-z][a-z0-9+.-]*:/i.test(href) || /^[\\/]/.test(href) ? "" : href;
  };

  // Light records for filtering and sorting; a card decodes the rest of its row when it is drawn.
  const col = Object.fromEntries(data.columns.map((name, i) => [name, i]));
  const codes = data.codes;
  const figures = data.rows.map((row, index) => ({
    index,
    row,
    status: codes.status[row[col.status]],
    validation: codes.validation[row[col.validation]],
    organism: row[col.organism],
    size: row[col.genes] + row[col.chemicals],
    related: row[col.related] !== null,
    known: row[col.related] !== null && codes.status[row[col.status]] !== "failed" ? 1 : 0,
    share: row[col.best_share],
    bestP: row[col.best_p_value],
    rank: index,
    search: null,
  }));

  function decode(f) {
    const v = {};
    data.columns.forEach((name, i) => { v[name] = f.row[i]; });
    for (const name of Object.keys(codes)) v[name] = codes[name][v[name]];
    const ref = encodeURIComponent(v.figid);
    if (v.output === null) v.output = ref + ".gpml";
    if (v.preview === null) v.preview = data.previews + "/" + ref + ".svg";
    if (v.pfocr_url === null) v.pfocr_url = data.pfocr_prefix + ref + ".html";
    if (v.paper_url.startsWith("doi:")) v.paper_url = data.doi_prefix + v.paper_url.slice(4);
    return v;
  }

  let ranked = false;
  function rankTitles() {  // once, on first use: a collator in every comparison is slow for 90,000 figures
    if (ranked) return;
    const title = (f) => f.row[col.title];
    const order = figures.slice().sort((a, b) => collator.compare(title(a), title(b)) || a.index - b.index);
    order.forEach((f, i) => { f.rank = i; });
    ranked = true;
  }
  const sorts = {
    "size-desc": (a, b) => b.size - a.size || a.index - b.index,
    "size-asc": (a, b) => a.size - b.size || a.index - b.index,
    title: (a, b) => a.rank - b.rank,
    input: (a, b) => a.index - b.index,
    // Related figures first, the least shared with WikiPathways first; failed and unrelated ones last.
    novelty: (a, b) => b.known - a.known || a.share - b.share || b.bestP - a.bestP || a.index - b.index,
  };
  const state = { q: "", status: "", organism: "", sort: "size-desc", page: 1 };
  let shown = [];

  function select() {
    const q = state.q.trim().toLowerCase();
    const [field, value] = state.status.split(":");
    const organism = state.organism === "" ? -1 : Number(state.organism);
    shown = figures.filter((f) => {
      if (state.status && field === "novelty") {
        const covered = f.share > data.covered_share;
        if (!f.related || covered !== (value === "covered") || f.status === "failed") return false;
      } else if (state.status && !((field === "status" || field === "validation") && f[field] === value)) {
        return false;
      }
      if (organism >= 0 && f.organism !== organism) return false;
      if (!q) return true;
      f.search ??= [f.row[col.title], f.row[col.figid], f.row[col.source]].join("\n").toLowerCase();
      return f.search.includes(q);
    });
    if (state.sort === "title") rankTitles();
    shown.sort(sorts[state.sort] || sorts["size-desc"]);
  }

  function link(a, href) {
    const safe = safeHref(href);
    if (safe) a.setAttribute("href", safe);
    a.hidden = !safe;
  }

  function card(figure) {
    const f = decode(figure);
    const node = template.content.firstElementChild.cloneNode(true);
    const part = (name) => node.querySelector('[data-part="' + name + '"]');
    const put = (name, text) => { part(name).textContent = text; };
    const status = known.has(f.status) ? f.status : "other";
    node.classList.add("is-" + status);
    node.setAttribute("data-status", f.status);
    node.setAttribute("data-organism", f.organism);
    node.setAttribute("data-size", String(figure.size));
    node.setAttribute("data-figid", f.figid);
    put("status", f.status || "unknown");
    part("status").classList.add(status);
    const validation = f.validation === "warnings" ? "warnings (" + f.warnings + ")" : f.validation;
    put("validation", validation);
    part("validation").hidden = !f.validation;
    if (known.has(f.validation)) part("validation").classList.add(f.validation);
    put("title", f.title || "(untitled)");
    part("title").setAttribute("title", f.title);
    put("organism", f.organism || "organism unknown");
    put("figid", f.figid || f.source);
    for (const name of ["genes", "chemicals", "mapped", "unmapped"]) put(name, number.format(f[name]));
    const preview = safeHref(f.preview);
    const img = part("preview");
    const box = part("preview-link");
    box.hidden = f.status === "failed";  // a failure shows its reason in the preview's place
    if (preview) {
      box.setAttribute("href", preview);
      img.setAttribute("src", preview);
      img.setAttribute("alt", "Preview of " + (f.figid || "the draft"));
      img.addEventListener("error", () => { img.hidden = true; part("no-preview").hidden = false; });
      part("no-preview").hidden = true;
    } else {
      img.remove();
    }
    put("error", f.error || "Failed (no reason given).");
    part("error").hidden = f.status !== "failed";
    part("counts").hidden = f.status === "failed";
    const related = part("related");
    for (const [wpid, title, shared, size, p] of f.related || []) {
      const item = document.createElement("li");
      const a = document.createElement("a");
      a.setAttribute("href", data.wikipathways_prefix + encodeURIComponent(wpid) + ".html");
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      a.textContent = wpid + " " + title;
      const note = document.createElement("span");
      note.textContent = " — " + shared + " of " + size + " genes shared, p " + (p < 1e-3 ? p.toExponential(1) : p.toPrecision(2));
      item.append(a, note);
      related.append(item);
    }
    const unmapped = f.unmapped_terms || "", warned = f.warning_texts || "";
    part("notes").hidden = !(unmapped || warned);
    put("notes-summary", [unmapped && "Unmapped words", warned && "Warnings"].filter(Boolean).join(" and "));
    put("unmapped-terms", unmapped);
    put("warning-texts", warned);
    link(part("gpml"), f.output);
    link(part("pfocr"), f.pfocr_url);
    link(part("paper"), f.paper_url);
    return node;
  }

  function draw() {
    const pages = Math.max(1, Math.ceil(shown.length / data.page_size));
    state.page = Math.min(Math.max(1, state.page), pages);
    const start = (state.page - 1) * data.page_size;
    const slice = shown.slice(start, start + data.page_size);
    grid.replaceChildren(...slice.map(card));
    byId("empty").hidden = shown.length > 0;
    byId("summary").textContent = shown.length
      ? "Showing " + number.format(start + 1) + "–" + number.format(start + slice.length) + " of " +
        number.format(shown.length) + (shown.length === figures.length ? " figures" : " matching figures")
      : "";
    byId("page-label").textContent = "Page " + number.format(state.page) + " of " + number.format(pages);
    byId("prev").disabled = state.page <= 1;
    byId("next").disabled = state.page >= pages;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) {
      if (value && !(key === "sort" && value === "size-desc") && !(key === "page" && value === 1)) {
        params.set(key, String(value));
      }
    }
    try {
      history.replaceState(null, "", "#" + params.toString());
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the page works without it.
    }
  }

  function update(resetPage) {
    for (const key of ["q", "status", "organism", "sort"]) state[key] = controls[key].value;
    if (resetPage) state.page = 1;
    select();
    draw();
  }

  const hash = new URLSearchParams(location.hash.slice(1));
  for (const key of ["q", "status", "organism", "sort"]) {
    if (hash.has(key)) controls[key].value = hash.get(key);
  }
  if (!controls.sort.value) controls.sort.value = "size-desc";
  state.page = Number.parseInt(hash.get("page") || "1", 10) || 1;

  let typing = 0;
  controls.q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => update(true), 120);
  });
  for (const key of ["status", "organism", "sort"]) controls[key].addEventListener("change", () => update(true));
  byId("controls").addEventListener("submit", (event) => event.preventDefault());
  const turn = (step) => {
    state.page += step;
    draw();
    byId("browse").scrollIntoView({ block: "start" });
  };
  byId("prev").addEventListener("click", () => turn(-1));
  byId("next").addEventListener("click", () => turn(1));

  byId("browse").hidden = false;
  update(false);
})();

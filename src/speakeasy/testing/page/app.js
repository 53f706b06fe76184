// The live page of the local events server. Plain DOM, no framework, nothing loaded from
// elsewhere. Every value from the server is put in the page with textContent (never as
// markup), and the Content-Security-Policy allows no inline script anyway.
"use strict";

(function () {
  var FILTERS = [
    "interaction_type", "execution_id", "generate_gen_lock_id", "success", "workspace",
    "source_revision_digest", "lint_report_digest", "openapi_diff_report_digest",
  ];
  var COLUMNS = ["created_at", "interaction_type", "execution_id", "success", "workspace", "target"];
  var POLL_MS = 1000;
  var PAGE_SIZE = 200;

  var state = { version: "", expanded: new Set(), timer: null, rows: [] };

  function $(id) { return document.getElementById(id); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The filters and the offset, as the address holds them (empty values dropped).
  function params() {
    var from = new URLSearchParams(window.location.search);
    var kept = new URLSearchParams();
    FILTERS.concat(["offset"]).forEach(function (name) {
      var value = from.get(name);
      if (value) kept.set(name, value);
    });
    return kept;
  }

  function offset() {
    var value = parseInt(params().get("offset") || "0", 10);
    return isNaN(value) || value < 0 ? 0 : value;
  }

  function fillForm() {
    var current = params();
    FILTERS.forEach(function (name) {
      var field = $("filters").elements.namedItem(name);
      if (field) field.value = current.get(name) || "";
    });
  }

  function navigate(next) {
    var query = next.toString();
    window.history.pushState(null, "", query ? "/?" + query : "/");
    refresh();
  }

  function cell(row, name) {
    var value = name === "target" ? row.target : row[name];
    var td = element("td");
    if (value === undefined || value === null) {
      td.className = "muted";
      td.textContent = "";
      if (name === "interaction_type" && !row.event) {
        td.textContent = row.method + " " + row.path;  // a request with no events to show
      }
      return td;
    }
    if (typeof value === "object") value = JSON.stringify(value);
    td.textContent = String(value);
    if (name === "created_at") td.className = "nowrap";
    if (name === "execution_id" || name === "workspace") td.className = "mono";
    if (name === "success") td.className = String(value) === "true" ? "true" : "false";
    if (name === "workspace" && row.event_workspace !== undefined && row.event_workspace !== null &&
        String(row.event_workspace) !== String(value)) {
      // The path's workspace differs from the event's own workspace_id: show both.
      td.appendChild(element("span", "muted", " (event: " + String(row.event_workspace) + ")"));
    }
    if (name === "target") {
      td.className = "mono";
      if (row.generate_target) td.appendChild(element("span", "muted", " (" + row.generate_target + ")"));
    }
    return td;
  }

  function statusCell(row) {
    var td = element("td");
    var ok = row.status >= 200 && row.status < 300;
    td.appendChild(element("div", "status " + (ok ? "ok" : "bad"), row.status || "none"));
    if (row.reason) td.appendChild(element("div", "reason", row.reason));
    return td;
  }

  function detailRow(row) {
    var tr = element("tr", "detail");
    var td = element("td");
    td.colSpan = COLUMNS.length + 1;
    var shown = row.event !== undefined ? row.event : row.request;
    td.appendChild(element("pre", "", JSON.stringify(shown, null, 2)));
    tr.appendChild(td);
    return tr;
  }

  function toggle(tr, row) {
    var open = state.expanded.has(row.key);
    if (open) {
      state.expanded.delete(row.key);
      if (tr.nextSibling && tr.nextSibling.className === "detail") tr.parentNode.removeChild(tr.nextSibling);
    } else {
      state.expanded.add(row.key);
      tr.parentNode.insertBefore(detailRow(row), tr.nextSibling);
    }
    tr.setAttribute("aria-expanded", String(!open));
  }

  function render(data) {
    state.rows = data.rows;
    var body = document.createDocumentFragment();
    data.rows.forEach(function (row) {
      var ok = row.status >= 200 && row.status < 300;
      var tr = element("tr", "row" + (ok ? "" : " refused"));
      tr.tabIndex = 0;
      tr.dataset.key = row.key;
      COLUMNS.forEach(function (name) { tr.appendChild(cell(row, name)); });
      tr.appendChild(statusCell(row));
      var open = state.expanded.has(row.key);
      tr.setAttribute("aria-expanded", String(open));
      tr.addEventListener("click", function () { toggle(tr, row); });
      tr.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(tr, row); }
      });
      body.appendChild(tr);
      if (open) body.appendChild(detailRow(row));
    });
    $("rows").replaceChildren(body);

    var first = data.total ? data.offset + 1 : 0;
    var last = data.offset + data.rows.length;
    $("range").textContent = first + "–" + last + " of " + data.total;
    $("newer").disabled = data.offset === 0;
    $("older").disabled = last >= data.total;
    $("empty").hidden = data.total !== 0;
    $("summary").textContent =
      data.requests + " request(s) received, " + data.events + " event(s) accepted since the last reset";

    var list = $("interaction-types");
    if (!list.children.length && data.interaction_types) {
      data.interaction_types.forEach(function (name) {
        var option = element("option");
        option.value = name;
        list.appendChild(option);
      });
    }
  }

  function setLive(ok, message) {
    var live = $("live");
    live.className = "live " + (ok ? "on" : "off");
    live.textContent = ok ? "live" : "offline";
    var error = $("error");
    error.hidden = !message;
    error.textContent = message || "";
  }

  function poll() {
    clearTimeout(state.timer);
    var query = params();
    query.set("limit", String(PAGE_SIZE));
    if (state.version) query.set("since", state.version);
    fetch("/_page/events?" + query.toString(), { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) { return { response: response, data: data }; });
      })
      .then(function (answer) {
        if (!answer.response.ok) {
          setLive(true, "Filter not applied: " + (answer.data.message || answer.response.status));
          return;
        }
        setLive(true, "");
        if (!answer.data.unchanged) {
          state.version = answer.data.version;
          render(answer.data);
        }
      })
      .catch(function () { setLive(false, "The server does not answer; retrying every second."); })
      .then(function () { state.timer = setTimeout(poll, POLL_MS); });
  }

  function refresh() {
    state.version = "";
    fillForm();
    poll();
  }

  function page(step) {
    var next = params();
    var value = Math.max(0, offset() + step * PAGE_SIZE);
    if (value) next.set("offset", String(value)); else next.delete("offset");
    navigate(next);
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("filters").addEventListener("submit", function (e) {
      e.preventDefault();
      var next = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var value = $("filters").elements.namedItem(name).value.trim();
        if (value) next.set(name, value);
      });
      navigate(next);
    });
    $("clear").addEventListener("click", function (e) { e.preventDefault(); navigate(new URLSearchParams()); });
    $("newer").addEventListener("click", function () { page(-1); });
    $("older").addEventListener("click", function () { page(1); });
    window.addEventListener("popstate", refresh);
    refresh();
  });
})();

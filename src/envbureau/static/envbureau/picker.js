/* Scoped type-ahead for .eb-picker widgets (core/pickers.py): type a name, choose from the list the
   server sends (only objects in the user's scope), the hidden input receives the id or code.
   A name typed without choosing is sent as it is; the server resolves it or says it is unknown. */
(function () {
  "use strict";
  function setup(root) {
    if (root.dataset.ebReady) return;
    root.dataset.ebReady = "1";
    var text = root.querySelector(".eb-picker-text");
    var hidden = root.querySelector(".eb-picker-value");
    var menu = root.querySelector(".eb-picker-menu");
    var timer = null, active = -1, items = [], seq = 0, chosen = text.value;

    function close() { menu.classList.remove("show"); text.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(it) {
      hidden.value = it.value; text.value = it.label; chosen = it.label;
      text.classList.remove("is-invalid"); close();
    }
    function highlight(i) {
      var links = menu.querySelectorAll(".dropdown-item");
      links.forEach(function (a, j) { a.classList.toggle("active", j === i); });
      active = i;
    }
    function render(data) {
      items = data.results || [];
      menu.innerHTML = "";
      if (!items.length) {
        var none = document.createElement("span");
        none.className = "dropdown-item-text text-muted small";
        none.textContent = root.dataset.empty || "—";
        menu.appendChild(none);
      }
      items.forEach(function (it, i) {
        var a = document.createElement("button");
        a.type = "button"; a.className = "dropdown-item"; a.setAttribute("role", "option");
        if (it.depth) a.style.paddingLeft = (1 + it.depth * 0.9) + "rem";
        a.textContent = it.label;
        if (it.hint) {
          var h = document.createElement("small");
          h.className = "text-muted ms-2"; h.textContent = it.hint; a.appendChild(h);
        }
        a.addEventListener("mousedown", function (e) { e.preventDefault(); choose(it); });
        a.addEventListener("mouseenter", function () { highlight(i); });
        menu.appendChild(a);
      });
      if (data.more) {
        var more = document.createElement("span");
        more.className = "dropdown-item-text text-muted small"; more.textContent = "…";
        menu.appendChild(more);
      }
      menu.classList.add("show"); text.setAttribute("aria-expanded", "true"); active = -1;
    }
    function search() {
      var mine = ++seq;
      fetch(root.dataset.url + "?q=" + encodeURIComponent(text.value.trim()), {credentials: "same-origin",
        headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { if (mine === seq) render(data); })
        .catch(function () {});
    }
    text.addEventListener("input", function () {
      if (text.value !== chosen) hidden.value = "";
      clearTimeout(timer); timer = setTimeout(search, 200);
    });
    text.addEventListener("focus", function () { if (!menu.classList.contains("show")) search(); });
    text.addEventListener("blur", function () { setTimeout(close, 150); });
    text.addEventListener("keydown", function (e) {
      var n = items.length;
      if (e.key === "ArrowDown" && n) { e.preventDefault(); highlight((active + 1) % n); }
      else if (e.key === "ArrowUp" && n) { e.preventDefault(); highlight((active - 1 + n) % n); }
      else if (e.key === "Enter" && active >= 0 && menu.classList.contains("show")) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
    var form = text.form;
    if (form) form.addEventListener("submit", function () {
      // typed but not chosen: send the text, the server resolves it in scope or says it is unknown
      if (!hidden.value && text.value.trim()) hidden.value = text.value.trim();
    });
  }
  function scan(el) { (el || document).querySelectorAll(".eb-picker").forEach(setup); }
  document.addEventListener("DOMContentLoaded", function () { scan(); });
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
})();

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

    var multi = !!root.dataset.multiple, list = root.querySelector(".eb-picker-chosen");
    if (multi) chosen = "";

    function close() { menu.classList.remove("show"); text.setAttribute("aria-expanded", "false"); active = -1; }
    function count() {
      var n = root.querySelector(".eb-picker-n");
      if (n) n.textContent = list.querySelectorAll(".eb-picker-chip").length;
    }
    function addChip(it) {
      // several chosen (PickerMultipleWidget): one chip with its own hidden input per object, no duplicates
      var dup = Array.prototype.some.call(list.querySelectorAll(".eb-picker-chip"), function (c) {
        return c.dataset.value === String(it.value);
      });
      if (dup) return;
      var chip = document.createElement("span");
      chip.className = "badge eb-picker-chip text-bg-light border"; chip.dataset.value = it.value;
      chip.appendChild(document.createTextNode(it.label));
      if (it.hint) {
        var h = document.createElement("small");
        h.className = "text-muted fw-normal ms-1"; h.textContent = it.hint; chip.appendChild(h);
      }
      var input = document.createElement("input");
      input.type = "hidden"; input.name = root.dataset.name; input.value = it.value; chip.appendChild(input);
      var x = document.createElement("button");
      x.type = "button"; x.className = "btn-close eb-picker-remove";
      x.setAttribute("aria-label", (root.dataset.remove || "×") + " " + it.label); chip.appendChild(x);
      list.appendChild(chip); count();
    }
    function choose(it) {
      if (multi) {
        addChip(it); text.value = ""; chosen = ""; text.classList.remove("is-invalid"); close();
        return;
      }
      hidden.value = it.value; text.value = it.label; chosen = it.label;
      text.classList.remove("is-invalid"); close();
    }
    if (multi) list.addEventListener("click", function (e) {
      var x = e.target.closest(".eb-picker-remove");
      if (x) { x.closest(".eb-picker-chip").remove(); count(); }
    });
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
      if (!multi && text.value !== chosen) hidden.value = "";
      clearTimeout(timer); timer = setTimeout(search, 200);
    });
    text.addEventListener("focus", function () { if (!menu.classList.contains("show")) search(); });
    text.addEventListener("blur", function () { setTimeout(close, 150); });
    text.addEventListener("keydown", function (e) {
      var n = items.length;
      if (e.key === "ArrowDown" && n) { e.preventDefault(); highlight((active + 1) % n); }
      else if (e.key === "ArrowUp" && n) { e.preventDefault(); highlight((active - 1 + n) % n); }
      else if (e.key === "Enter" && active >= 0 && menu.classList.contains("show")) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Enter" && multi && text.value.trim()) {
        // adding to a list: Enter takes the only match, never submits the half-filled form
        e.preventDefault(); if (n === 1 && menu.classList.contains("show")) choose(items[0]);
      }
      else if (e.key === "Escape") { close(); }
    });
    var form = text.form;
    if (form) form.addEventListener("submit", function () {
      // typed but not chosen: send the text, the server resolves it in scope or says it is unknown
      if (multi) { if (text.value.trim()) addChip({value: text.value.trim(), label: text.value.trim()}); return; }
      if (!hidden.value && text.value.trim()) hidden.value = text.value.trim();
    });
  }
  function scan(el) { (el || document).querySelectorAll(".eb-picker").forEach(setup); }
  document.addEventListener("DOMContentLoaded", function () { scan(); });
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
})();

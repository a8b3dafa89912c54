// Progressive enhancement of the post textarea: a small toolbar that inserts the simple HTML the
// server keeps (strong, em, ul/li, a href, blockquote), and a character count. Without this file
// the textarea works the same; whatever is typed is cleaned by the server's sanitiser anyway.
(function () {
  "use strict";
  var LABELS = {
    bold: "Đậm", italic: "Nghiêng", list: "Danh sách", link: "Liên kết", quote: "Trích dẫn",
    url: "Địa chỉ liên kết (bắt đầu bằng https://):", toolbar: "Định dạng nội dung",
    left: "Còn lại %s ký tự", over: "Vượt quá %s ký tự"
  };

  function wrap(area, before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.slice(start, end) || placeholder;
    area.setRangeText(before + chosen + after, start, end, "end");
    area.focus();
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
    area.dispatchEvent(new Event("input"));
  }

  function list(area) {
    var start = area.selectionStart, end = area.selectionEnd;
    var lines = (area.value.slice(start, end) || "…").split(/\n/);
    var items = lines.map(function (line) { return "<li>" + line + "</li>"; }).join("\n");
    area.setRangeText("\n<ul>\n" + items + "\n</ul>\n", start, end, "end");
    area.focus();
    area.dispatchEvent(new Event("input"));
  }

  var ACTIONS = {
    bold: function (a) { wrap(a, "<strong>", "</strong>", "…"); },
    italic: function (a) { wrap(a, "<em>", "</em>", "…"); },
    list: list,
    link: function (a) {
      var url = window.prompt(LABELS.url, "https://");
      if (!url || !/^(https?:\/\/|mailto:)/i.test(url.trim())) return;
      wrap(a, '<a href="' + url.trim().replace(/"/g, "%22") + '">', "</a>", url.trim());
    },
    quote: function (a) { wrap(a, "\n<blockquote>", "</blockquote>\n", "…"); }
  };

  Array.prototype.forEach.call(document.querySelectorAll("textarea.post-editor"), function (area) {
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", LABELS.toolbar);
    if (area.id) bar.setAttribute("aria-controls", area.id);
    Object.keys(ACTIONS).forEach(function (name) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "editor-toolbar__button editor-toolbar__button--" + name;
      button.textContent = LABELS[name];
      button.addEventListener("click", function () { ACTIONS[name](area); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);

    var max = parseInt(area.getAttribute("data-max-chars"), 10);
    if (max) {
      var counter = document.createElement("p");
      counter.className = "editor-count muted";
      counter.setAttribute("aria-live", "polite");
      var update = function () {
        var left = max - area.value.length;
        counter.textContent = (left >= 0 ? LABELS.left : LABELS.over).replace("%s", Math.abs(left).toLocaleString("vi-VN"));
        counter.classList.toggle("editor-count--over", left < 0);
      };
      area.addEventListener("input", update);
      area.parentNode.insertBefore(counter, area.nextSibling);
      update();
    }
  });
})();

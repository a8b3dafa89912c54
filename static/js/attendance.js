// Attendance pages, progressive enhancement only: both pages work without this file.
// - Roll call: "Tất cả có mặt" marks everyone not yet marked as present, without reloading.
// - Check-in board: fetches the rotating code, QR and arrivals every few seconds instead of
//   reloading the whole page (the page's <noscript> refresh does that without JavaScript).
(function () {
  "use strict";

  var allPresent = document.querySelector("[data-all-present]");
  var form = document.querySelector("[data-roll-call]");
  if (allPresent && form) {
    allPresent.addEventListener("click", function (event) {
      event.preventDefault();
      var rows = form.querySelectorAll(".roll-row");
      for (var i = 0; i < rows.length; i++) {
        if (!rows[i].querySelector("input[type=radio]:checked")) {
          var present = rows[i].querySelector("input[type=radio][value=present]");
          if (present) present.checked = true;
        }
      }
      var submit = form.querySelector("button[type=submit]");
      if (submit) submit.focus();
    });
  }

  var board = document.querySelector("[data-check-in-board]");
  if (!board || !window.fetch) return;
  var url = board.getAttribute("data-url");
  var codeNode = board.querySelector("[data-code]");
  var qrNode = board.querySelector("[data-qr]");
  var secondsNode = board.querySelector("[data-seconds]");
  var urlNode = board.querySelector("[data-url-text]");
  var arrivals = document.querySelector("[data-arrivals]");
  var count = document.querySelector("[data-count]");
  var lastCode = codeNode ? codeNode.textContent.replace(/\s/g, "") : "";

  function render(data) {
    if (!data.open || !data.code) {
      if (lastCode) window.location.reload();
      return;
    }
    if (data.code !== lastCode) {
      lastCode = data.code;
      if (codeNode) codeNode.textContent = data.code.slice(0, 3) + " " + data.code.slice(3);
      if (qrNode) qrNode.innerHTML = data.qr;  // our own SVG, built by the server from the URL
      if (urlNode) urlNode.textContent = data.code_url;
    }
    if (secondsNode) secondsNode.textContent = secondsNode.textContent.replace(/\d+/, data.seconds_left);
    if (arrivals && data.check_ins.length) {
      arrivals.textContent = "";
      data.check_ins.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.name + " — " + item.time + (item.status_key === "late" ? " (" + item.status + ")" : "");
        arrivals.appendChild(li);
      });
      if (count) count.textContent = String(data.check_ins.length);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* try again at the next tick */ });
  }
  if (codeNode) window.setInterval(poll, 5000);
})();

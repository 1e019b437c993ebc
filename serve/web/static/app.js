// Refreshes the list builder's count, chart and download links as filters change. Without
// script the form still works with its Apply button.
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var pending;
  form.addEventListener("change", function () {
    var list = form.querySelector("input[name=list]");
    if (list) list.remove(); // the filters no longer are the named list's
    document.querySelectorAll(".named .current").forEach(function (a) { a.classList.remove("current"); });
    var q = new URLSearchParams(new FormData(form));
    history.replaceState(null, "", "/lists?" + q);
    if (pending) pending.abort();
    pending = new AbortController();
    fetch("/lists/summary?" + q, { signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.statusText); return r.text(); })
      .then(function (html) { document.getElementById("summary").innerHTML = html; })
      .catch(function (e) { if (e.name !== "AbortError") document.getElementById("summary").textContent = "Could not update: " + e.message; });
  });
})();

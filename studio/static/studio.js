// Progressive enhancement: every form works without this script. With it, a form marked
// data-check asks the server's validator (the same one a submit uses) as the person types,
// and shows each message beside its field.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var form = document.querySelector("form[data-check]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var timer = null;
  function show(errors) {
    var boxes = form.querySelectorAll("[data-field]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i], name = box.getAttribute("data-field");
      var err = box.querySelector(".error"), input = box.querySelector("input,select,textarea");
      var message = errors[name] || "";
      if (err && err.textContent !== message) { err.textContent = message; }
      if (input) {
        if (message) { input.setAttribute("aria-invalid", "true"); box.classList.add("invalid"); }
        else { input.removeAttribute("aria-invalid"); box.classList.remove("invalid"); }
      }
    }
  }
  function check() {
    var data = new FormData(form);
    fetch(form.getAttribute("data-check"), {method: "POST", body: data,
      headers: {"X-CSRFToken": data.get("csrf_token") || ""}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) { show(body.errors || {}); } })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();

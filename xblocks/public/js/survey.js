/* DigiReady module survey: one submission, then the feedback replaces the form. */
function DigiReadySurvey(runtime, element, init) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var i18n = window.DigiReadyI18N;
  function _(text) { return i18n && i18n.gettext ? i18n.gettext(text) : text; }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function showErrors(message, errors) {
    var box = root.querySelector(".dr-errors");
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    if (errors && errors.length) {
      var list = document.createElement("ul");
      errors.forEach(function (e) { var li = document.createElement("li"); li.textContent = e; list.appendChild(li); });
      box.appendChild(list);
    }
    box.hidden = false;
    box.setAttribute("role", "alert");
    box.focus();
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".dr-survey-submit");
    if (!button) { return; }
    var choices = {};
    Array.prototype.forEach.call(root.querySelectorAll(".dr-q[data-question]"), function (q) {
      var checked = q.querySelector("input:checked");
      choices[q.getAttribute("data-question")] = checked ? checked.value : null;
    });
    var rating = root.querySelector('[data-feedback="usefulness"] input:checked');
    var comment = root.querySelector(".dr-comment");
    button.disabled = true;
    fetch(init.submit, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "X-Requested-With": "XMLHttpRequest"},
      body: JSON.stringify({choices: choices, usefulness: rating ? parseInt(rating.value, 10) : null,
                            comment: comment ? comment.value : ""})
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (r) {
      button.disabled = false;
      if (!r.ok) { showErrors(r.body.error || _("Your answers could not be saved."), r.body.errors); return; }
      root.querySelector(".dr-body").innerHTML = r.body.html;
      var heading = root.querySelector(".dr-results h4");
      if (heading) { heading.focus(); }
    }, function () {
      button.disabled = false;
      showErrors(_("Could not reach the server. Check your connection and try again."));
    });
  });
}

/* DigiReady self-diagnostic: save as you go, step navigation, submit, re-assess.
   Plain JavaScript (no build step, no library); the page works the same in the LMS, Studio
   preview, the workbench and the mobile apps' web view. */
function DigiReadyDiagnostic(runtime, element, init) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var i18n = window.DigiReadyI18N;
  function _(text) { return i18n && i18n.gettext ? i18n.gettext(text) : text; }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (m, key) { return values[key]; });
  }
  var attempt = init.attempt;
  var pending = {profile: {}, answers: {}};
  var timer = null;
  var statusBox = root.querySelector(".dr-status");

  function status(text) { statusBox.textContent = text; }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function post(name, data, keepalive) {
    return fetch(init.handlers[name], {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "X-Requested-With": "XMLHttpRequest"},
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {error: _("The server did not answer as expected.")}; })
        .then(function (body) { return {ok: response.ok, status: response.status, body: body}; });
    });
  }
  function form() { return root.querySelector(".dr-form"); }
  function body() { return root.querySelector(".dr-body"); }

  function valueOf(question) {
    var type = question.getAttribute("data-type");
    if (type === "text") { return question.querySelector("input").value; }
    var checked = Array.prototype.map.call(question.querySelectorAll("input:checked"), function (i) { return i.value; });
    if (type === "checklist") { return checked.indexOf("na") >= 0 ? "na" : checked; }
    if (!checked.length) { return null; }
    if (type === "scale" && checked[0] !== "na") { return parseInt(checked[0], 10); }
    return checked[0];
  }
  function record(question) {
    var kind = question.getAttribute("data-kind") === "profile" ? "profile" : "answers";
    pending[kind][question.getAttribute("data-question")] = valueOf(question);
  }
  function hasPending() { return Object.keys(pending.profile).length + Object.keys(pending.answers).length > 0; }

  function steps() { return Array.prototype.slice.call(root.querySelectorAll(".dr-step")); }
  function liveSteps() {  // steps with at least one question the skip rules show
    return steps().filter(function (s) { return s.querySelector(".dr-q:not([hidden])"); });
  }
  function currentStep() { return root.querySelector(".dr-step:not([hidden])") || steps()[0]; }

  function showErrors(message, errors) {
    var box = root.querySelector(".dr-errors");
    if (!box) { status(message); return; }
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
  function clearErrors() { var box = root.querySelector(".dr-errors"); if (box) { box.hidden = true; box.textContent = ""; } }

  function applyState(state) {
    if (!state || !state.progress || !form()) { return; }
    var p = state.progress;
    var bar = root.querySelector(".dr-bar");
    bar.setAttribute("aria-valuenow", p.percent);
    bar.firstElementChild.style.width = p.percent + "%";
    root.querySelector(".dr-progress-text").textContent =
      fill(_("%(done)s of %(total)s questions answered"), {done: p.answered, total: p.total});
    if (state.visible) {
      var shown = {};
      state.visible.forEach(function (id) { shown[id] = true; });
      Array.prototype.forEach.call(root.querySelectorAll('.dr-q[data-kind="question"]'), function (q) {
        q.hidden = !shown[q.getAttribute("data-question")];
      });
    }
    updateNav();
  }

  function save(step, keepalive) {
    if (!hasPending() && !step) { return Promise.resolve(true); }
    var sent = pending;
    pending = {profile: {}, answers: {}};
    var data = {attempt: attempt, profile: sent.profile, answers: sent.answers};
    if (step) { data.step = step; }
    status(_("Saving..."));
    return post("save", data, keepalive).then(function (r) {
      if (r.ok) { status(_("Your answers are saved.")); clearErrors(); applyState(r.body); return true; }
      showErrors(r.body.error || _("Your answers could not be saved."), r.body.errors);
      return false;
    }, function () {
      // Offline: keep the answers and try again with the next change or step.
      ["profile", "answers"].forEach(function (k) {
        Object.keys(sent[k]).forEach(function (id) { if (!(id in pending[k])) { pending[k][id] = sent[k][id]; } });
      });
      status(_("Could not reach the server. Your answers will be saved when the connection is back."));
      return false;
    });
  }
  function later(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () { save(); }, delay);
  }

  function updateNav() {
    var all = liveSteps();
    var current = currentStep();
    var index = all.indexOf(current);
    var back = root.querySelector(".dr-back"), next = root.querySelector(".dr-next"), submit = root.querySelector(".dr-submit");
    if (!back) { return; }
    back.hidden = index <= 0;
    next.hidden = index >= all.length - 1;
    submit.hidden = index < all.length - 1;
    var count = current.querySelector(".dr-step-count");
    if (count) { count.textContent = fill(_("Step %(n)s of %(total)s: "), {n: index + 1, total: all.length}); }
    Array.prototype.forEach.call(root.querySelectorAll("[data-step-marker]"), function (li) {
      if (li.getAttribute("data-step-marker") === current.getAttribute("data-step")) { li.setAttribute("aria-current", "step"); }
      else { li.removeAttribute("aria-current"); }
    });
  }
  function go(step) {
    steps().forEach(function (s) { s.hidden = s !== step; });
    updateNav();
    var heading = step.querySelector(".dr-step-title");
    if (heading) { heading.focus(); }
  }
  function move(delta) {
    var all = liveSteps();
    var target = all[all.indexOf(currentStep()) + delta];
    if (!target) { return; }
    clearTimeout(timer);
    save(target.getAttribute("data-step")).then(function (ok) { if (ok !== false || delta < 0) { go(target); } });
  }
  function replace(html) {
    body().innerHTML = html;
    var heading = root.querySelector(".dr-results h4, .dr-step:not([hidden]) .dr-step-title");
    updateNav();
    if (heading) { heading.focus(); }
  }
  function submit() {
    clearTimeout(timer);
    var data = {attempt: attempt, profile: pending.profile, answers: pending.answers};
    pending = {profile: {}, answers: {}};
    status(_("Calculating your results..."));
    post("submit", data).then(function (r) {
      if (r.ok) { status(""); replace(r.body.html); return; }
      status("");
      showErrors(r.body.error || _("Your results could not be calculated."), r.body.errors);
    }, function () {
      status(_("Could not reach the server. Your answers will be saved when the connection is back."));
    });
  }
  function reassess() {
    post("reassess", {attempt: attempt}).then(function (r) {
      if (r.ok) { attempt = r.body.attempt; replace(r.body.html); return; }
      status(r.body.error || "");
    });
  }

  root.addEventListener("change", function (event) {
    var input = event.target;
    var question = input.closest && input.closest(".dr-q");
    if (!question) { return; }
    if (input.type === "checkbox" && input.checked) {
      var exclusive = input.getAttribute("data-exclusive") === "1";
      Array.prototype.forEach.call(question.querySelectorAll('input[type="checkbox"]'), function (other) {
        if (other !== input && (exclusive || other.getAttribute("data-exclusive") === "1")) { other.checked = false; }
      });
    }
    record(question);
    later(input.type === "text" ? 800 : 300);
  });
  root.addEventListener("input", function (event) {
    var question = event.target.closest && event.target.closest(".dr-q");
    if (question && event.target.type === "text") { record(question); later(1200); }
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("dr-next")) { move(1); }
    else if (button.classList.contains("dr-back")) { move(-1); }
    else if (button.classList.contains("dr-submit")) { submit(); }
    else if (button.classList.contains("dr-reassess")) { reassess(); }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && hasPending()) { clearTimeout(timer); save(null, true); }
  });
  updateNav();
}

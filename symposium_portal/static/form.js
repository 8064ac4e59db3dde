// Move focus to the error summary after a failed submit, so keyboard and screen-reader
// users land on the list of problems.
(function () {
  var s = document.getElementById("error-summary");
  if (s) { s.focus(); }
})();

// Progressive enhancement only: remember the device's time zone in a cookie so the server
// can show times in it ("detected from your device"), and preselect it in zone pickers.
(function () {
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!tz) { return; }
  var had = document.cookie.indexOf("portal_tz=") !== -1;
  document.cookie = "portal_tz=" + encodeURIComponent(tz) + ";path=/;max-age=31536000;SameSite=Lax";
  var selects = document.querySelectorAll("select[data-detect-tz]");
  for (var i = 0; i < selects.length; i++) {
    var s = selects[i];
    if (s.getAttribute("data-user-set") !== "1") {
      for (var j = 0; j < s.options.length; j++) {
        if (s.options[j].value === tz) { s.selectedIndex = j; break; }
      }
    }
  }
  var note = document.getElementById("tz-detect-note");
  if (!had && note && note.getAttribute("data-reload") === "1") { window.location.reload(); }
})();

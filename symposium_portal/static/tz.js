// Progressive enhancement only: remember the device's time zone in a cookie so the server
// shows times in it ("detected from your device"). The server already applies the best zone
// it knows (chosen, registration, this cookie, the browser's language); the picker always
// shows the zone the page uses, so this script never changes it. It reloads once, and only
// when the page used no zone or a guess that differs from the device's.
(function () {
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!tz) { return; }
  var had = document.cookie.indexOf("portal_tz=" + encodeURIComponent(tz)) !== -1;
  document.cookie = "portal_tz=" + encodeURIComponent(tz) + ";path=/;max-age=31536000;SameSite=Lax";
  // The registration form's zone field starts at the device's zone (the person can change it).
  var fields = document.querySelectorAll("select[data-detect-tz]");
  for (var i = 0; i < fields.length; i++) {
    for (var j = 0; j < fields[i].options.length; j++) {
      if (fields[i].options[j].value === tz) { fields[i].selectedIndex = j; break; }
    }
  }
  var note = document.getElementById("tz-detect-note");
  // Without cookies a reload would show the same page again: never loop.
  if (had || !note || document.cookie.indexOf("portal_tz=") === -1) { return; }
  var source = note.getAttribute("data-source") || "";
  if ((source === "" || source === "language") && note.getAttribute("data-zone") !== tz) {
    window.location.reload();
  }
})();

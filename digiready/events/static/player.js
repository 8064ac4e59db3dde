/* DigiReady video player events (xAPI Video Profile), for any <video data-events-url>.
 *
 * Sends initialized, played, paused, seeked, completed and terminated with the played
 * segments to the page's events endpoint as {"events": [...]}. The server knows the learner
 * from its session and records the statements; this script never names the learner.
 * Data attributes: data-events-url (required), data-csrf (sent as the header named by
 * data-csrf-header, default X-CSRF-Token), data-duration (seconds, until metadata loads).
 * Progressive enhancement: without JavaScript the video plays, only the events are missing.
 *
 * The audio-only switch (digiready.media's player: <video data-audio-src data-video-src> and a
 * hidden <button data-audio-toggle> in the same <figure>) swaps the source, keeping the
 * position and whether it was playing; the events treat it as one continuous session (the
 * swap's own pause/seek/play are not reported).
 */
(function () {
  "use strict";
  var THRESHOLD = 0.95;

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function round(t) { return Math.round(t * 1000) / 1000; }

  function attach(video, options) {
    options = options || {};
    var url = options.url || video.getAttribute("data-events-url");
    if (!url || video.getAttribute("data-events-attached")) { return; }
    video.setAttribute("data-events-attached", "1");
    var header = options.csrfHeader || video.getAttribute("data-csrf-header") || "X-CSRF-Token";
    var token = options.csrf || video.getAttribute("data-csrf") || "";
    var session = uuid(), queue = [], sending = false;
    var initialized = false, completed = false, terminated = false;
    var segments = [], start = null, last = 0, seekFrom = null, switching = false;

    function length() {
      var d = video.duration;
      return isFinite(d) && d > 0 ? round(d) : Number(video.getAttribute("data-duration")) || 0;
    }
    function closeSegment(at) {
      if (start !== null && at > start) { segments.push([round(start), round(at)]); }
      start = null;
    }
    function coverage() {
      var len = length(); if (!len) { return 0; }
      var s = segments.slice(); if (start !== null) { s.push([start, video.currentTime]); }
      s.sort(function (a, b) { return a[0] - b[0]; });
      var total = 0, end = -1;
      s.forEach(function (p) {
        var a = Math.max(p[0], end), b = Math.min(p[1], len);
        if (b > a) { total += b - a; }
        end = Math.max(end, p[1]);
      });
      return Math.min(1, total / len);
    }
    function send(kind, extra, keepalive) {
      var e = { kind: kind, object: "video", session: session, timestamp: new Date().toISOString() };
      for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { e[k] = extra[k]; } }
      queue.push(e);
      if (queue.length > 50) { queue.shift(); }
      flush(keepalive);
    }
    function flush(keepalive) {
      if ((sending && !keepalive) || !queue.length || !window.fetch) { return; }
      var batch = queue.splice(0, queue.length), headers = { "Content-Type": "application/json" };
      if (token) { headers[header] = token; }
      sending = true;
      fetch(url, { method: "POST", headers: headers, body: JSON.stringify({ events: batch }),
                   credentials: "same-origin", keepalive: !!keepalive })
        .then(function (r) {
          if (r.status >= 500) { throw new Error(r.status); }
          sending = false;
          flush();  // what was queued while this request was on its way
        })
        .catch(function () {  // kept, and retried with the next event
          queue = batch.concat(queue).slice(-50);
          sending = false;
        });
    }
    function state(withProgress) {
      var s = { time: round(video.currentTime), length: length(), played_segments: segments.slice() };
      if (withProgress) { s.progress = Math.round(coverage() * 1000) / 10; }
      return s;
    }

    video.addEventListener("dr:switching", function () {
      switching = true; closeSegment(video.currentTime);
    });
    video.addEventListener("dr:switched", function () {
      switching = false; last = video.currentTime; seekFrom = null;
      if (!video.paused) { start = video.currentTime; }
    });
    video.addEventListener("play", function () {
      if (switching) { return; }
      if (!initialized) {
        initialized = true;
        send("video.initialized", { length: length(), completion_threshold: THRESHOLD });
      }
      start = video.currentTime;
      send("video.played", { time: round(video.currentTime) });
    });
    video.addEventListener("timeupdate", function () {
      if (switching) { return; }
      if (!video.seeking) { last = video.currentTime; }
      if (!completed && initialized && coverage() >= THRESHOLD) {
        completed = true;
        closeSegment(video.currentTime); if (!video.paused) { start = video.currentTime; }
        send("video.completed", state(true));
      }
    });
    video.addEventListener("pause", function () {
      if (switching || video.ended || video.seeking) { return; }
      closeSegment(video.currentTime);
      send("video.paused", state(true));
    });
    video.addEventListener("seeking", function () {
      if (switching) { return; }
      if (seekFrom === null) { seekFrom = last; closeSegment(last); }
    });
    video.addEventListener("seeked", function () {
      if (switching || seekFrom === null) { return; }
      send("video.seeked", { time_from: round(seekFrom), time_to: round(video.currentTime) });
      seekFrom = null; last = video.currentTime;
      if (!video.paused) { start = video.currentTime; }
    });
    video.addEventListener("ended", function () {
      closeSegment(video.currentTime);
      if (!completed) { completed = true; send("video.completed", state(true)); }
    });
    window.addEventListener("pagehide", function () {
      if (!initialized || terminated) { return; }
      terminated = true;
      closeSegment(video.currentTime);
      send("video.terminated", state(true), true);
    });
  }

  function signal(video, name) {
    var e; try { e = new Event(name); } catch (x) { e = document.createEvent("Event"); e.initEvent(name, false, false); }
    video.dispatchEvent(e);
  }
  function audioSwitch(video) {
    var audio = video.getAttribute("data-audio-src"), full = video.getAttribute("data-video-src");
    var box = video.parentNode, button = box && box.querySelector ? box.querySelector("[data-audio-toggle]") : null;
    if (!audio || !full || !button || video.getAttribute("data-switch-attached")) { return; }
    video.setAttribute("data-switch-attached", "1");
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      var at = video.currentTime, playing = !video.paused && !video.ended;
      signal(video, "dr:switching");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      video.setAttribute("data-audio-only", on ? "1" : "0");
      function done() { signal(video, "dr:switched"); }
      function go() {
        video.removeEventListener("seeked", go);
        if (!playing) { done(); return; }
        var p = video.play();
        if (p && p.then) { p.then(done, done); } else { done(); }
      }
      function resume() {
        video.removeEventListener("loadedmetadata", resume);
        if (at) { video.addEventListener("seeked", go); video.currentTime = at; } else { go(); }
      }
      video.addEventListener("loadedmetadata", resume);
      video.src = on ? audio : full;  // a src attribute takes precedence over the <source>
      if (video.preload === "none") { video.preload = "metadata"; }
      video.load();
    });
  }

  function attachAll() {
    Array.prototype.forEach.call(document.querySelectorAll("video[data-events-url]"), function (v) { attach(v); });
    Array.prototype.forEach.call(document.querySelectorAll("video[data-audio-src]"), audioSwitch);
  }
  window.DigiReadyPlayer = { attach: attach, audioSwitch: audioSwitch };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", attachAll); }
  else { attachAll(); }
})();

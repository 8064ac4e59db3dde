// A posted form's result (a survey's thanks or what is missing) is where the page opens: the
// form posts to its #anchor, which scrolls there without JavaScript; this also moves keyboard
// and screen-reader focus to it, so the next Tab and the announcement start from the result.
(function(){var e=document.querySelector("[data-focus-on-load]");if(e){e.focus();}})();

// Dynamic registration done: tell the platform (Moodle, Canvas) to close the dialog.
(function(){(window.opener||window.parent).postMessage({subject:"org.imsglobal.lti.close"},"*");})();

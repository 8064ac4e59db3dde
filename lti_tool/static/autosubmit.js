// Posts a form marked data-autosubmit (deep-linking return); the button stays for no-JS users.
(function(){var f=document.querySelector("form[data-autosubmit]");if(f){f.submit();}})();

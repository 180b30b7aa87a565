// Submits the SAML HTTP-POST binding form at once. Without JavaScript the visible button does it.
"use strict";
(function () {
  var form = document.getElementById("autosubmit");
  if (form) {
    form.submit();
  }
})();

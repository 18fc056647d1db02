/* ilnet — scripts only enhance; every page works without them. */
(function () {
  'use strict';
  // Move focus to an error summary so screen readers announce it.
  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.getElementById('errors');
    if (summary) summary.focus();
  });
})();

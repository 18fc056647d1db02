/* ilnet — scripts only enhance; every page works without them. */
(function () {
  'use strict';
  // Move focus to an error summary so screen readers announce it.
  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.getElementById('errors');
    if (summary) summary.focus();

    // A textarea marked data-file-target gains a "choose a file" button that
    // reads a local CSV into it (the form still posts plain text).
    document.querySelectorAll('textarea[data-file-target]').forEach(function (ta) {
      var label = document.createElement('label');
      label.textContent = 'Or choose a CSV file';
      var input = document.createElement('input');
      input.type = 'file';
      input.accept = '.csv,text/csv';
      input.id = ta.id + '-file';
      label.htmlFor = input.id;
      input.addEventListener('change', function () {
        var f = input.files && input.files[0];
        if (!f) return;
        var reader = new FileReader();
        reader.onload = function () { ta.value = reader.result; };
        reader.readAsText(f, 'utf-8');
      });
      var wrap = document.createElement('div');
      wrap.className = 'field';
      wrap.appendChild(label);
      wrap.appendChild(input);
      ta.parentNode.parentNode.insertBefore(wrap, ta.parentNode.nextSibling);
    });
  });
})();

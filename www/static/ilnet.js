/* ilnet — scripts only enhance; every page works without them. */
(function () {
  'use strict';

  // Conditional questions: show one only when the answer it depends on
  // makes it relevant (the server applies the same rule when saving).
  function applyConditions(form) {
    var qs = form.querySelectorAll('.question[data-show-q]');
    qs.forEach(function (q) {
      var name = q.getAttribute('data-show-q');
      var wanted = (q.getAttribute('data-show-in') || '').split(' ').filter(Boolean);
      var controller = form.querySelector('[name="' + name + '"]');
      var holder = controller && controller.closest('.question');
      var values = [];
      if (!controller) {
        // The question it depends on is in another section: its saved answer.
        values = (q.getAttribute('data-show-value') || '').split(' ').filter(Boolean);
      }
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if ((el.type === 'radio' || el.type === 'checkbox') ? el.checked : el.value.trim() !== '')
          values.push(el.value);
      });
      var show = values.length > 0 && (wanted.length === 0 ||
        values.some(function (v) { return wanted.indexOf(v) >= 0; }));
      if (holder && holder.hidden) show = false;
      // A choice among the answers ticked above ("which matters most?")
      // offers only those; one no longer ticked is cleared, not kept hidden.
      var from = q.getAttribute('data-options-from');
      if (from && form.querySelector('[name="' + from + '"]')) {
        var offered = 0;
        q.querySelectorAll('.choice input').forEach(function (el) {
          var src = form.querySelector('[name="' + from + '"][value="' + el.value + '"]');
          var on = !!(src && src.checked);
          el.closest('.choice').hidden = !on;
          if (!on) el.checked = false;
          offered += on ? 1 : 0;
        });
        if (!offered) show = false;
      }
      q.hidden = !show;
    });
  }

  // Text typed into "Other (say what)" ticks Other, as the server does.
  function otherTicks(form) {
    form.querySelectorAll('input[data-ticks]').forEach(function (box) {
      box.addEventListener('input', function () {
        var tick = document.getElementById(box.getAttribute('data-ticks'));
        if (tick && box.value.trim() !== '' && !tick.checked) {
          tick.checked = true;
          tick.dispatchEvent(new Event('change', { bubbles: true }));
        }
      });
    });
  }

  // Save a section as the leader types.  The server answers 204 with the
  // new revision, or 409 when another window saved first: then say so, and
  // let the leader choose (nothing is overwritten silently).
  function autosave(form) {
    var timer = null, busy = null, stopped = false;
    var status = document.querySelector('.autosave');
    var revision = form.querySelector('input[name="revision"]');
    function say(text) { if (status) status.textContent = text; }
    function save() {
      if (busy || stopped) return;
      var data = new URLSearchParams(new FormData(form));
      data.set('go', 'autosave');
      busy = fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin',
                                  headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
        .then(function (res) {
          busy = null;
          if (res.status === 204) {
            revision.value = res.headers.get('X-Revision') || revision.value;
            say('Saved as you typed, at ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + '.');
          } else if (res.status === 409) {
            stopped = true;
            say('This section was saved from another window. Save with a button below to see what differs before anything is replaced.');
          } else if (res.status === 422) {
            say('Not saved yet: an answer needs fixing. Press Save to see which.');
          }
        })
        .catch(function () { busy = null; say('Not saved: the connection dropped. Your answers are still here.'); });
    }
    function later() { clearTimeout(timer); timer = setTimeout(save, 1500); }
    form.addEventListener('input', later);
    form.addEventListener('change', later);
    // A button pressed while a save is on its way waits for it, so the
    // page's revision is current and the leader's own save is no conflict.
    form.addEventListener('submit', function (e) {
      clearTimeout(timer);
      if (!busy) { stopped = true; return; }
      e.preventDefault();
      var button = e.submitter;
      busy.then(function () { stopped = true; form.requestSubmit(button); });
    });
  }

  // A long list to choose from (the school picker): a box that narrows it
  // as one types.  Without scripts the search above the form does the same
  // through the server.  Chosen options always stay in view.
  function narrowable(select) {
    var box = document.createElement('input');
    box.type = 'search';
    box.id = select.id + '-narrow';
    box.setAttribute('autocomplete', 'off');
    var label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = 'Narrow the list (name or town)';
    var status = document.createElement('p');
    status.className = 'hint';
    status.id = select.id + '-shown';
    status.setAttribute('role', 'status');
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select);
    box.addEventListener('input', function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      select.querySelectorAll('option').forEach(function (o) {
        var text = o.textContent.toLowerCase();
        o.hidden = !o.selected && !words.every(function (w) { return text.indexOf(w) >= 0; });
        if (!o.hidden) shown++;
      });
      select.querySelectorAll('optgroup').forEach(function (g) {
        g.hidden = !g.querySelector('option:not([hidden])');
      });
      status.textContent = words.length ? shown + ' shown.' : '';
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    // Move focus to an error summary so screen readers announce it.
    var summary = document.getElementById('errors');
    if (summary) summary.focus();

    document.querySelectorAll('select[data-narrow]').forEach(narrowable);

    // The map's filters fold away on a narrow screen, so that the map
    // comes first (served open: without scripts they are simply there).
    var mapFilters = document.querySelector('details.map-filters');
    if (mapFilters && window.matchMedia('(max-width: 40rem)').matches) mapFilters.open = false;

    document.querySelectorAll('form').forEach(function (form) {
      if (form.querySelector('.question[data-show-q]')) {
        applyConditions(form);
        form.addEventListener('change', function () { applyConditions(form); });
      }
      if (form.querySelector('input[data-ticks]')) otherTicks(form);
      if (form.querySelector('input[data-autosave]')) autosave(form);
    });
  });
})();

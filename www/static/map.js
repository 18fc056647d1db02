/* ilnet — the network map's pan, zoom and clustering (Leaflet and its
 * marker-cluster plugin, served from /vendor/).  The page works without
 * this: the server's drawing, its legend and the table of the schools
 * shown are the map.  Once the script has what it needs, it puts a map one
 * can pan and zoom in the drawing's place: the same outlines (projected by
 * the server, /api/v1/map/outlines, no tiles), the same schools at the same
 * precision under the same filters (/api/v1/map with this page's query),
 * clusters that open by keyboard, and a school's card in a popup. */
(function () {
  'use strict';
  var fig = document.querySelector('figure.map[data-view]');
  if (!fig || !window.L || !L.markerClusterGroup || !window.fetch || !window.Promise) return;

  var STAGES = { not_yet: 'Not yet', exploring: 'Exploring', planning: 'Planning',
                 some_classrooms: 'In some classrooms', schoolwide: 'Schoolwide' };
  var DIMS = [['cultural', 'Cultural relevance'], ['instructional', 'Instructional relevance'],
              ['career', 'Career relevance']];
  var TYPES = { district_urban: 'Urban district', district_suburban: 'Suburban district',
                small_rural: 'Small rural', tribal: 'Tribal', independent: 'Independent', charter: 'Charter' };

  function get(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { if (!res.ok) throw new Error(url + ': ' + res.status); return res.json(); });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function link(href, text) { var a = el('a', null, text); a.href = href; return a; }
  // The page's query with some keys replaced ('' removes one).
  function href(changes) {
    var q = new URLSearchParams(location.search);
    q.delete('page');
    Object.keys(changes).forEach(function (k) { if (changes[k]) q.set(k, changes[k]); else q.delete(k); });
    var s = q.toString();
    return '/map' + (s ? '?' + s : '');
  }
  // Kilometres east (x) and north (y) as Leaflet's plane coordinates.
  function at(x, y) { return L.latLng(y, x); }

  var query = new URLSearchParams(location.search);
  query.delete('page');
  var v = fig.getAttribute('data-view').split(',').map(Number);
  // Where the schools are asked for: the box shown and a cluster's size
  // there (40 px), in kilometres; the server lists the schools one by one
  // unless there are thousands in the box, then sends clusters.
  function dataUrl(box, cell) {
    var q = new URLSearchParams(query);
    q.set('bbox', box.map(function (n) { return n.toFixed(1); }).join(','));
    q.set('cell', cell.toFixed(2));
    return '/api/v1/map?' + q.toString();
  }
  var width0 = Math.max(fig.clientWidth, 300);
  Promise.all([get('/api/v1/map/outlines'), get(dataUrl(v, (v[2] - v[0]) / width0 * 40))])
    .then(function (got) { build(got[0], got[1]); })
    .catch(function () { /* the drawing stays: nothing is lost */ });

  function build(outlines, data) {
    var holder = el('div', 'leaflet-map');
    holder.id = 'leaflet-map';
    holder.setAttribute('role', 'region');
    holder.setAttribute('aria-label', 'Map of ' + data.total + ' school' + (data.total === 1 ? '' : 's') +
      ' shown: arrow keys move it, plus and minus zoom, Tab reaches each place');
    fig.insertBefore(holder, fig.firstChild);
    fig.classList.add('js-map');
    var cap = fig.querySelector('figcaption');
    if (cap) cap.textContent = 'Schools as dots coloured as the legend says; a numbered circle is several schools' +
      ' close together (select it to zoom in); squares are intermediaries, joined by grey lines to the schools they' +
      ' serve; purple lines are site visits; triangles are Native nations\u2019 governments' +
      (data.nations.some(function (n) { return n.boundary; })
        ? '; a dashed outline is a nation\u2019s boundary, as the nation provided it' : '') +
      '. Select a school for its card.';

    var map = L.map(holder, { crs: L.CRS.Simple, minZoom: -3, maxZoom: 6, zoomSnap: 0.25,
                              attributionControl: false, keyboardPanDelta: 120,
                              // A card shows at once, at full contrast (no fade).
                              fadeAnimation: false });
    map.fitBounds(L.latLngBounds(at(v[0], v[1]), at(v[2], v[3])));
    var b = outlines.box, start = map.getBoundsZoom(L.latLngBounds(at(b[0], b[1]), at(b[2], b[3])));
    function far() {
      holder.classList.toggle('far', map.getZoom() < start + 1.5);
      holder.setAttribute('data-zoom', String(map.getZoom()));
    }
    map.on('zoomend', far);
    far();

    // The outlines: county lines under state lines.
    function lines(list) {
      return list.map(function (a) {
        var pts = [];
        for (var i = 0; i + 1 < a.length; i += 2) pts.push(at(a[i], a[i + 1]));
        return pts;
      });
    }
    L.polyline(lines(outlines.county), { interactive: false, color: '#c3ccd5', weight: 0.8 }).addTo(map);
    L.polyline(lines(outlines.state), { interactive: false, color: '#59636e', weight: 1.6 }).addTo(map);

    // A nation's boundary, only as the nation provided it and while its
    // steward consents (the server sends none otherwise): under the rest,
    // labelled by the nation's name.
    data.nations.forEach(function (n) {
      if (!n.boundary) return;
      var polys = n.boundary.map(function (rings) { return lines(rings); });
      L.polygon(polys, { interactive: true, bubblingMouseEvents: false, color: '#7a4a12', weight: 1.5,
                         dashArray: '4 3', fillColor: '#c9a46b', fillOpacity: 0.18, className: 'boundary' })
        .bindTooltip(n.name + ' \u2014 its boundary, as the nation provided it', { sticky: true })
        .addTo(map);
    });

    // The nations: labelled places at their governments' towns.
    data.nations.forEach(function (n) {
      var icon = el('span');
      icon.appendChild(el('span', 'nation-mark')).setAttribute('aria-hidden', 'true');
      icon.appendChild(el('span', 'nation-label', n.name));
      icon.appendChild(el('span', 'visually-hidden', ', its government at ' + n.seat + ': show its schools'));
      L.marker(at(n.x, n.y), { icon: L.divIcon({ html: icon, className: 'nation-icon', iconSize: null, iconAnchor: [6, 6] }),
                               zIndexOffset: -1000 })
        .on('click', function () { location.href = href({ nation: String(n.id), school: '' }); })
        .addTo(map);
    });

    var legend = {};
    var first = document.querySelector('ul.legend');
    if (first) first.querySelectorAll('li').forEach(function (li, i) { legend[i - 1] = li.textContent.replace(/ \(shown alone.*$/, '').trim(); });
    function clusterIcon(n) {
      var icon = el('span');
      icon.appendChild(el('span', null, String(n))).setAttribute('aria-hidden', 'true');
      icon.appendChild(el('span', 'visually-hidden', n + ' schools close together: select to zoom in or spread them out'));
      var size = n < 10 ? 30 : n < 100 ? 36 : 44;
      return L.divIcon({ html: icon, className: 'school-cluster', iconSize: [size, size] });
    }
    var ties = L.layerGroup().addTo(map), orgs = L.layerGroup().addTo(map), ego = L.layerGroup().addTo(map);
    var far_clusters = L.layerGroup().addTo(map);
    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, spiderfyDistanceMultiplier: 1.4,
      iconCreateFunction: function (c) { return clusterIcon(c.getChildCount()); }
    });
    map.addLayer(clusters);
    var byId, coachedBy, partners, cohortsOf, markers;

    // The schools of one answer, with their ties and intermediaries.
    function show(d) {
      ties.clearLayers(); orgs.clearLayers(); ego.clearLayers(); far_clusters.clearLayers(); clusters.clearLayers();
      byId = {}; coachedBy = {}; partners = {}; cohortsOf = {}; markers = {};
      d.schools.forEach(function (s) { byId[s.id] = s; });
      d.intermediaries.forEach(function (o) {
        o.schools.forEach(function (id) { (coachedBy[id] = coachedBy[id] || []).push(o); });
      });
      // Cohorts whose members this reader may see, with their schools listed.
      (d.cohorts || []).forEach(function (c) {
        c.schools.forEach(function (id) { (cohortsOf[id] = cohortsOf[id] || []).push(c); });
      });
      d.ties.forEach(function (t) {
        (partners[t.host] = partners[t.host] || []).push(t.visitor);
        (partners[t.visitor] = partners[t.visitor] || []).push(t.host);
      });
      // Ties: grant rosters (grey) and site visits (purple); a school's own
      // are drawn again on top, in red, while its card is open.
      // (Past 400 they would hide the map: then only a card's own are drawn.)
      var rosters = d.intermediaries.reduce(function (n, o) { return n + o.schools.length; }, 0);
      if (rosters <= 400) d.intermediaries.forEach(function (o) {
        o.schools.forEach(function (id) {
          var s = byId[id];
          if (s) L.polyline([at(o.x, o.y), at(s.x, s.y)], { interactive: false, color: '#8a8f96', weight: 1, opacity: 0.6 }).addTo(ties);
        });
      });
      d.ties.forEach(function (t) {
        var a = byId[t.host], b2 = byId[t.visitor];
        if (a && b2) L.polyline([at(a.x, a.y), at(b2.x, b2.y)], { interactive: false, color: '#6a4c9c', weight: 1.5, opacity: 0.75 }).addTo(ties);
      });
      d.intermediaries.forEach(function (o) {
        var n = o.shown, icon = el('span', 'visually-hidden', o.name + ', intermediary serving ' + n + ' school' +
                      (n === 1 ? '' : 's') + ' shown');
        var box = el('div');
        box.appendChild(el('strong', null, o.name));
        box.appendChild(el('p', null, 'Intermediary serving ' + n + ' school' + (n === 1 ? '' : 's') +
          ' shown, placed at ' + (o.precision === 'exact' ? 'their centre.' : 'the county at their centre.')));
        box.appendChild(el('p')).appendChild(link(href({ org: String(o.id), school: '' }), 'Show only its schools'));
        L.marker(at(o.x, o.y), { icon: L.divIcon({ html: icon, className: 'org-icon', iconSize: [13, 13] }), zIndexOffset: -500 })
          .bindPopup(box).addTo(orgs);
      });
      // Clusters the server made (thousands of schools in view): select to zoom in.
      d.clusters.forEach(function (c) {
        L.marker(at(c.x, c.y), { icon: clusterIcon(c.count) })
          .on('click', function () { map.setView(at(c.x, c.y), Math.min(map.getZoom() + 2, map.getMaxZoom())); })
          .addTo(far_clusters);
      });
      // The schools, clustered at the scale shown.
      var list = d.schools.map(function (s) {
        var what = s.colour >= 0 ? legend[s.colour] : 'Not known or not shared';
        var icon = el('span', 'visually-hidden', s.name + ', ' + s.city + ', ' + s.state + ' \u2014 ' + what +
                      (s.precision === 'exact' ? '' : ' (at its county\u2019s centre)'));
        var m = L.marker(at(s.x, s.y), { icon: L.divIcon({ html: icon, className: 'school-icon c' + (s.colour >= 0 ? s.colour : 9),
                                                           iconSize: [14, 14] }) });
        m.bindPopup(function () { return card(s); }, { maxWidth: 280, maxHeight: Math.max(140, holder.clientHeight - 90) });
        m.on('popupopen', function () { drawEgo(s); });
        m.on('popupclose', function () { ego.clearLayers(); });
        markers[s.id] = m;
        return m;
      });
      clusters.addLayers(list);
    }
    show(data);

    // When the server sent clusters, ask again for what is in view as
    // the map moves (a school listed then shows as itself).
    var asked = 0, clustered = data.clusters.length > 0 || data.schools.length < data.total;
    map.on('moveend', function () {
      if (!clustered) return;
      var bb = map.getBounds().pad(0.25), n = ++asked;
      get(dataUrl([bb.getWest(), bb.getSouth(), bb.getEast(), bb.getNorth()], 40 / Math.pow(2, map.getZoom())))
        .then(function (d) { if (n === asked) { show(d); clustered = d.clusters.length > 0 || d.schools.length < d.total; } })
        .catch(function () {});
    });

    function drawEgo(s) {
      ego.clearLayers();
      (coachedBy[s.id] || []).forEach(function (o) {
        L.polyline([at(o.x, o.y), at(s.x, s.y)], { interactive: false, color: '#b3261e', weight: 3 }).addTo(ego);
      });
      (partners[s.id] || []).forEach(function (id) {
        var p = byId[id];
        if (p) L.polyline([at(p.x, p.y), at(s.x, s.y)], { interactive: false, color: '#b3261e', weight: 3 }).addTo(ego);
      });
      // Cohort-mates: dashed, as the server's drawing has them.
      (cohortsOf[s.id] || []).forEach(function (c) {
        c.schools.forEach(function (id) {
          var p = byId[id];
          if (p && id !== s.id) L.polyline([at(p.x, p.y), at(s.x, s.y)], { interactive: false, color: '#b3261e', weight: 3,
                                                                         dashArray: '6 4' }).addTo(ego);
        });
      });
    }

    // A school's card: what the table's row and the server's card say.
    function card(s) {
      var box = el('div', 'map-card');
      box.appendChild(el('strong', null, s.name));
      var dl = el('dl', 'facts');
      function fact(k, val) { dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, val)); }
      fact('Place', s.city + ', ' + s.state);
      fact('Type', TYPES[s.type] || s.type);
      if (s.stage) fact('Stage', STAGES[s.stage] || s.stage);
      DIMS.forEach(function (d) { if (s[d[0]] != null) fact(d[1], s[d[0]] + ' of 100'); });
      fact('On the map', s.precision === 'exact' ? 'Where it is' : 'At its county\u2019s centre');
      box.appendChild(dl);
      function list(label, items) {
        if (!items.length) return;
        var p = el('p', null, label + ' ');
        items.forEach(function (a, i) { if (i) p.appendChild(document.createTextNode(', ')); p.appendChild(a); });
        box.appendChild(p);
      }
      list('Coached by', (coachedBy[s.id] || []).map(function (o) { return link(href({ org: String(o.id), school: '' }), o.name); }));
      var seen = {};
      list('Site visits with', (partners[s.id] || []).filter(function (id) {
        var fresh = !seen[id] && byId[id]; seen[id] = 1; return fresh;
      }).map(function (id) { return link(href({ school: String(id) }) + '#card', byId[id].name); }));
      // Its cohorts, each with its other schools shown (names in the table's order).
      (cohortsOf[s.id] || []).forEach(function (c) {
        var p = el('p', 'cohort-tie', 'Cohort ');
        p.appendChild(link(href({ cohort: String(c.id), school: '' }), c.name));
        var mates = c.schools.filter(function (id) { return id !== s.id && byId[id]; })
          .map(function (id) { return byId[id]; })
          .sort(function (a, b) { return a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }) || a.id - b.id; });
        mates.forEach(function (m, i) {
          p.appendChild(document.createTextNode(i ? ', ' : ' with '));
          p.appendChild(link(href({ school: String(m.id) }) + '#card', m.name));
        });
        p.appendChild(document.createTextNode('.'));
        box.appendChild(p);
      });
      var p = el('p');
      p.appendChild(link('/schools/' + s.id, 'The school\u2019s profile'));
      p.appendChild(document.createTextNode(' \u00b7 '));
      p.appendChild(link(href({ school: String(s.id) }) + '#card', 'Its card beside the map'));
      box.appendChild(p);
      return box;
    }

    // Keyboard: an opened popup takes the focus (its links next), Escape
    // closes it and the focus returns to the place it belongs to.
    map.on('popupopen', function (e) {
      var box = e.popup.getElement(), a = box && box.querySelector('.leaflet-popup-content a');
      if (a) a.focus();
      if (box) box.addEventListener('keydown', function (k) { if (k.key === 'Escape') map.closePopup(); });
    });
    map.on('popupclose', function (e) {
      var src = e.popup._source, icon = src && src.getElement && src.getElement();
      if (icon && document.activeElement && e.popup.getElement() && e.popup.getElement().contains(document.activeElement)) icon.focus();
    });

    // A school chosen in the address: shown, its card open.
    var chosen = query.get('school');
    if (chosen && markers[chosen])
      clusters.zoomToShowLayer(markers[chosen], function () { markers[chosen].openPopup(); });
  }
})();

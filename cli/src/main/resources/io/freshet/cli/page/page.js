(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('freshet-data').textContent);
  var svg = document.getElementById('graph');
  var NS = svg.namespaceURI; // the SVG namespace, as the HTML parser gave it
  var panel = document.getElementById('panel');
  var STATES = [
    ['fresh', 'fresh'], ['overdue', 'overdue'], ['none', 'no freshness policy'], ['never', 'never materialized']
  ];
  var SHORT = { fresh: 'fresh', overdue: 'OVERDUE', none: 'no policy', never: 'never materialized' };
  var selected = null;

  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function s(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function shortSnapshot(id) { id = String(id); return id.length <= 9 ? id : '\u2026' + id.slice(-8); }
  function shorten(t, n) { t = String(t); return t.length <= n ? t : t.slice(0, n - 1) + '\u2026'; }

  function header() {
    var meta = document.getElementById('meta');
    meta.textContent = data.stack + ' \u00b7 ' + (data.live ? 'live, reload for the current state \u00b7 ' : '')
      + 'generated ' + data.generatedAtText + ' (' + data.zone + ')';
    var counts = {};
    Object.keys(data.assets).forEach(function (a) { var st = data.assets[a].state; counts[st] = (counts[st] || 0) + 1; });
    var legend = document.getElementById('legend');
    STATES.forEach(function (st) {
      legend.appendChild(h('li', { 'data-state': st[0] }, [
        h('span', { 'class': 'swatch state-' + st[0] }), st[1] + ' (' + (counts[st[0]] || 0) + ')'
      ]));
    });
  }

  function draw() {
    svg.setAttribute('viewBox', '0 0 ' + data.width + ' ' + data.height);
    svg.setAttribute('width', data.width);
    svg.setAttribute('height', data.height);
    var defs = s('defs');
    var marker = s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto' });
    marker.appendChild(s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8193a8' }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    var edges = s('g', { 'class': 'edges' });
    data.edges.forEach(function (e) {
      var p = s('path', { 'class': 'edge', d: e.d, 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#arrow)' });
      p.appendChild(s('title', {}, e.from + ' \u2192 ' + e.to + (e.pipeline ? ' (pipeline ' + e.pipeline + ')' : '')));
      edges.appendChild(p);
    });
    svg.appendChild(edges);
    var nodes = s('g', { 'class': 'nodes' });
    data.nodes.forEach(function (n) {
      var a = data.assets[n.asset];
      var g = s('g', { 'class': 'node state-' + a.state, 'data-asset': n.asset, transform: 'translate(' + n.x + ',' + n.y + ')',
                       tabindex: '0', role: 'button', 'aria-label': n.asset + ': ' + SHORT[a.state] });
      g.appendChild(s('rect', { width: n.w, height: n.h, rx: 8, ry: 8 }));
      g.appendChild(s('text', { 'class': 'name', x: 12, y: 19 }, shorten(n.asset, 26)));
      g.appendChild(s('text', { 'class': 'sub', x: 12, y: 36 }, SHORT[a.state] + (a.updatedText ? ' \u00b7 ' + a.updatedText : '')));
      var kind = a.kind === 'postgres' ? 'PG' : a.kind === 's3 source' ? 'S3' : '';
      if (kind) { g.appendChild(s('text', { 'class': 'kind', x: n.w - 10, y: 16 }, kind)); }
      g.appendChild(s('title', {}, n.asset + ' (' + a.kind + '): ' + SHORT[a.state]));
      g.addEventListener('click', function () { select(n.asset); });
      g.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); g.dispatchEvent(new MouseEvent('click', { bubbles: true })); }
      });
      nodes.appendChild(g);
    });
    svg.appendChild(nodes);
    if (data.nodes.length === 0) { panel.textContent = 'This project has no assets.'; }
  }

  function reach(start, key) {
    var seen = {}, todo = [start];
    while (todo.length) {
      var a = todo.pop();
      (data.assets[a] ? data.assets[a][key] || [] : []).forEach(function (b) {
        if (!seen[b]) { seen[b] = true; todo.push(b); }
      });
    }
    return seen;
  }

  function highlight(asset) {
    var up = asset ? reach(asset, 'upstream') : {}, down = asset ? reach(asset, 'downstream') : {};
    svg.querySelectorAll('.node').forEach(function (g) {
      var a = g.getAttribute('data-asset');
      g.classList.toggle('selected', a === asset);
      g.classList.toggle('dim', !!asset && a !== asset && !up[a] && !down[a]);
    });
    svg.querySelectorAll('.edge').forEach(function (p) {
      var f = p.getAttribute('data-from'), t = p.getAttribute('data-to');
      var lit = !!asset && (((t === asset || up[t]) && up[f]) || ((f === asset || down[f]) && down[t]));
      p.classList.toggle('lit', lit);
      p.classList.toggle('dim', !!asset && !lit);
    });
  }

  function link(asset) {
    var a = h('a', { 'class': 'asset-link', href: '#select=' + encodeURIComponent(asset) }, [asset]);
    return a;
  }
  function links(list) {
    if (!list || list.length === 0) { return h('span', { 'class': 'empty' }, ['none']); }
    return h('span', {}, list.map(link));
  }
  function fact(dl, name, value) {
    dl.appendChild(h('dt', {}, [name]));
    dl.appendChild(h('dd', {}, [value]));
  }

  function eventsTable(a) {
    if (a.events.length === 0) { return h('p', { 'class': 'empty' }, ['No events yet: never materialized.']); }
    var body = h('tbody', {}, a.events.map(function (e) {
      return h('tr', { 'class': 'event', 'data-event': e.eventId }, [
        h('td', { 'class': 'nowrap', title: e.time }, [e.timeText]),
        h('td', { 'class': 'partition nowrap' }, [(e.partition || '-') + (e.key ? ' ' + e.key : '')]),
        h('td', { 'class': 'producer' }, [e.producer, h('br'), h('span', { 'class': 'mono by', title: e.by }, [shorten(e.by, 40)])]),
        h('td', { 'class': 'mono version', title: e.dataVersion }, [shorten(e.dataVersion, 12)]),
        h('td', { 'class': 'num' }, [e.rows === undefined ? '' : e.rows]),
        // An Iceberg snapshot id is 19 digits: its last 8 tell snapshots apart at a glance, the tooltip holds all.
        e.snapshot === undefined ? h('td', { 'class': 'snapshot empty' }, ['-'])
          : h('td', { 'class': 'mono snapshot', title: 'snapshot ' + e.snapshot, 'data-snapshot': e.snapshot }, [shortSnapshot(e.snapshot)])
      ]);
    }));
    return h('table', { 'class': 'events' }, [
      h('thead', {}, [h('tr', {}, ['time', 'partition', 'producer', 'data version', 'rows', 'snapshot'].map(function (t) { return h('th', {}, [t]); }))]),
      body
    ]);
  }

  // A dynamically keyed asset (partition_by): each key seen, with its newest event.
  function keysTable(a) {
    if (a.keys.length === 0) { return h('p', { 'class': 'empty' }, ['No key written yet.']); }
    return h('table', { 'class': 'keys' }, [
      h('thead', {}, [h('tr', {}, ['key', 'partition', 'newest event', 'rows'].map(function (t) { return h('th', {}, [t]); }))]),
      h('tbody', {}, a.keys.map(function (k) {
        return h('tr', { 'class': 'key', 'data-key': k.key, 'data-event': k.eventId }, [
          h('td', { 'class': 'mono' }, [k.key]),
          h('td', { 'class': 'partition nowrap' }, [k.partition || '-']),
          h('td', { 'class': 'nowrap', title: k.time }, [k.timeText]),
          h('td', { 'class': 'num' }, [k.rows])
        ]);
      }))
    ]);
  }

  function consumedText(c) {
    if (c.asset) { return c.asset + (c.partition ? '/' + c.partition : ''); }
    return c.id;
  }

  function runsList(p) {
    if (p.runs.length === 0) { return h('p', { 'class': 'empty' }, ['No runs yet.']); }
    return h('ol', { 'class': 'runs' }, p.runs.map(function (r) {
      return h('li', { 'class': 'run', 'data-run': r.runId }, [
        h('div', { 'class': 'run-head' }, [
          h('span', { 'class': 'pill run-' + r.state }, [r.state]),
          h('span', { 'class': 'partition' }, [r.partition || '(unpartitioned)']),
          h('span', { title: r.createdAt }, ['created ' + r.createdText + (r.attempt > 1 ? ', attempt ' + r.attempt : '')]),
          h('span', { 'class': 'mono run-id', title: r.runId }, [shorten(r.runId, 14)])
        ]),
        h('div', { 'class': 'why' }, ['why: ' + r.reason]),
        r.finishReason ? h('div', { 'class': 'detail' }, ['ended: ' + r.finishReason]) : null,
        h('div', { 'class': 'detail consumed' }, ['consumed: ' + (r.consumed.length ? r.consumed.map(consumedText).join(', ') : '-')])
      ]);
    }));
  }

  function checksList(a) {
    if (a.checks.length === 0) { return h('p', { 'class': 'empty' }, [a.events.length ? 'The newest event records no checks.' : 'No checks yet.']); }
    return h('ul', { 'class': 'checks' }, a.checks.map(function (c) {
      return h('li', { 'class': 'check ' + (c.passed ? 'passed' : 'failed'), 'data-check': c.name }, [
        c.name + ' ', h('span', { 'class': 'summary' }, [c.passed ? '' : c.summary])
      ]);
    }));
  }

  function select(asset) {
    var a = data.assets[asset];
    if (!a) { return; }
    selected = asset;
    highlight(asset);
    var hash = '#select=' + encodeURIComponent(asset);
    if (location.hash !== hash) { location.hash = hash; }
    panel.textContent = '';
    panel.setAttribute('data-asset', asset);
    var close = h('button', { type: 'button', title: 'close', 'aria-label': 'close' }, ['\u00d7']);
    close.addEventListener('click', clear);
    panel.appendChild(h('div', { 'class': 'panel-head' }, [
      h('h2', {}, [asset]), h('span', { 'class': 'pill state-' + a.state }, [SHORT[a.state]]), close
    ]));
    if (a.description) { panel.appendChild(h('p', { 'class': 'desc' }, [a.description])); }
    var dl = h('dl', { 'class': 'facts' });
    fact(dl, 'kind', a.kind);
    if (a.table) { fact(dl, 'table', h('span', { 'class': 'mono table-name' }, [a.table])); }
    fact(dl, 'freshness', a.policy || 'no policy');
    if (a.violation) {
      fact(dl, 'overdue', (a.violation.partition === '*' ? '' : a.violation.partition + ': ') + a.violation.reason
        + ' (since ' + a.violation.sinceText + ')');
    }
    var pipeline = a.producer ? data.pipelines[a.producer] : null;
    fact(dl, 'written by', pipeline ? 'pipeline ' + pipeline.name + ', ' + pipeline.trigger : 'someone else (a source)');
    fact(dl, 'read by', a.consumers && a.consumers.length ? a.consumers.join(', ') : 'no pipeline');
    fact(dl, 'upstream', links(a.upstream));
    fact(dl, 'downstream', links(a.downstream));
    panel.appendChild(dl);
    panel.appendChild(h('h3', {}, ['Latest events']));
    panel.appendChild(eventsTable(a));
    if (a.keys) {
      panel.appendChild(h('h3', {}, ['Keys (partition_by ' + a.keyColumn + '): newest event of each']));
      panel.appendChild(keysTable(a));
    }
    if (pipeline) {
      panel.appendChild(h('h3', {}, ['Latest runs of ' + pipeline.name]));
      panel.appendChild(runsList(pipeline));
    }
    panel.appendChild(h('h3', {}, ['Checks of the newest event']));
    panel.appendChild(checksList(a));
  }

  function clear() {
    selected = null;
    highlight(null);
    panel.removeAttribute('data-asset');
    panel.textContent = '';
    panel.appendChild(h('p', { 'class': 'hint' }, ['Click an asset to see its latest events, the runs that made it and its checks.']));
    if (location.hash) { location.hash = ''; }
  }

  // #select=ASSET: click that asset's node, exactly as a user would.
  function fromAddress() {
    var m = /^#select=(.+)$/.exec(location.hash);
    if (!m) { return; }
    var asset = decodeURIComponent(m[1]);
    if (asset === selected) { return; }
    var node = Array.prototype.find.call(svg.querySelectorAll('.node'), function (g) { return g.getAttribute('data-asset') === asset; });
    if (!node) {
      panel.textContent = '';
      panel.appendChild(h('p', { 'class': 'hint' }, ['No asset named ' + asset + ' in this project.']));
      return;
    }
    node.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
  }

  header();
  draw();
  window.addEventListener('hashchange', fromAddress);
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && selected) { clear(); } });
  fromAddress();
})();

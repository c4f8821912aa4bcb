(function () {
  'use strict';
  var errors = [];
  function show() {
    var pre = document.getElementById('errors');
    if (!pre) { return; }
    pre.textContent = errors.join(String.fromCharCode(10));
    pre.hidden = errors.length === 0;
  }
  function record(message) { errors.push(String(message)); show(); }
  window.addEventListener('error', function (e) {
    if (e instanceof ErrorEvent) {
      record('error: ' + e.message + (e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : ''));
    } else {
      var t = e.target || {};
      record('failed to load ' + (t.tagName || 'a resource') + ' ' + (t.src || t.href || ''));
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    record('unhandled rejection: ' + (r && r.stack ? r.stack : r));
  });
  var original = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    return original.apply(console, arguments);
  };
  document.addEventListener('DOMContentLoaded', show);
})();

// hookbot delivery log: new and changed deliveries appear without reloading (server-sent events). The page works
// without this script; it is served as a file because the Content-Security-Policy allows no inline script.
(function () {
  'use strict';
  var table = document.querySelector('table.log[data-live]');
  if (!table || typeof EventSource !== 'function') return;
  var body = table.tBodies[0];
  var source = new EventSource(table.getAttribute('data-live'));
  source.onopen = function () { document.documentElement.setAttribute('data-live', 'on'); };
  source.onerror = function () { document.documentElement.removeAttribute('data-live'); };
  source.addEventListener('row', function (e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    // The row's markup was rendered (and escaped) by the server, the same as the page's own rows.
    var tpl = document.createElement('template');
    tpl.innerHTML = data.html;
    var row = tpl.content.firstElementChild;
    if (!row) return;
    var old = body.querySelector('tr[data-id="' + CSS.escape(data.id) + '"]');
    if (old) { body.replaceChild(row, old); return; }
    var empty = body.querySelector('tr.empty');
    if (empty) empty.remove();
    row.classList.add('fresh');
    var at = row.getAttribute('data-at') || '';
    var rows = body.querySelectorAll('tr[data-id]');
    for (var i = 0; i < rows.length; i++) {
      if ((rows[i].getAttribute('data-at') || '') < at) { body.insertBefore(row, rows[i]); return; }
    }
    body.appendChild(row);
  });
})();

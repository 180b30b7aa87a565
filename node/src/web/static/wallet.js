// The wallet page waits for the answer: it asks every two seconds whether the wallet (on this
// device or another) has answered, and continues when it has. Without scripts, the citizen
// presses "I have answered in my wallet", which reloads the page and continues the same way.
(function () {
  var status = document.querySelector('[data-poll]');
  if (!status || !window.fetch) { return; }
  var url = status.getAttribute('data-poll');
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (r.status === 202) { return null; }
        var json = (r.headers.get('content-type') || '').indexOf('json') >= 0;
        // Anything else (the login expired, an error): the page itself says what happened.
        return json ? r.json() : { reload: true };
      })
      .then(function (j) {
        if (j && j.next) { window.location.assign(j.next); return; }
        if (j && j.reload) { window.location.reload(); return; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();

// Narrows the country list as the citizen types. The filter is also a plain GET form, so the
// page works the same without this script. Matching ignores case and accents, as the server's.
(function () {
  var input = document.getElementById('q');
  var list = document.querySelector('ul.countries');
  if (!input || !list) { return; }
  var none = document.querySelector('.filter-none');
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function apply() {
    var raw = input.value.trim();
    var q = fold(raw);
    var shown = 0;
    list.querySelectorAll('li').forEach(function (li) {
      var code = (li.getAttribute('data-code') || '').toLowerCase();
      var hit = !q || fold(li.textContent).indexOf(q) >= 0 || code === raw.toLowerCase();
      li.hidden = !hit;
      if (hit) { shown += 1; }
    });
    if (none) { none.hidden = shown > 0; }
  }
  input.addEventListener('input', apply);
  apply();
})();

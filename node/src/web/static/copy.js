// Copies the error page's reference to the clipboard. Without scripts or a clipboard the button
// stays hidden; the reference is selectable text (one click selects it whole).
(function () {
  var button = document.querySelector('button.copy');
  if (!button || !navigator.clipboard) { return; }
  var source = document.getElementById(button.getAttribute('data-copy'));
  var status = document.querySelector('.copied');
  if (!source) { return; }
  button.hidden = false;
  button.addEventListener('click', function () {
    navigator.clipboard.writeText(source.textContent).then(function () {
      if (status) { status.textContent = status.getAttribute('data-text'); }
    });
  });
})();

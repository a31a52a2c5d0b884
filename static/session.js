// Idle-timeout warning (WCAG 2.2.1 Timing Adjustable): before the session ends, a dialog
// tells the user and offers to stay logged in. Another tab's activity is taken into
// account by asking the server (without extending) when the session really ends.
(function () {
  'use strict';
  var dialog = document.getElementById('session-warning');
  if (!dialog) return;
  var stay = document.getElementById('session-stay');
  var logout = document.getElementById('session-logout');
  var status = document.getElementById('session-status');
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var expiresAt = Number(dialog.getAttribute('data-expires-at'));
  var warningMs = Number(dialog.getAttribute('data-warning-seconds')) * 1000;
  // The server's clock decides, from the first moment: the page says what time it was made,
  // so a PC whose clock is wrong neither warns too late nor logs out without a warning.
  var serverNow = Number(dialog.getAttribute('data-server-now'));
  var skew = serverNow > 0 ? serverNow - Date.now() : 0;
  var timer = null;
  var previousFocus = null;

  function schedule() {
    if (timer) clearTimeout(timer);
    var now = Date.now() + skew;
    var untilWarning = expiresAt - warningMs - now;
    // Ask the server again at least every half warning period (and every minute), so even an
    // idle time shorter than the warning plus a minute shows the warning in time.
    timer = setTimeout(check, Math.max(1000, Math.min(untilWarning, 60000, warningMs / 2)));
  }

  function check() {
    fetch('/session/remaining', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.expiresAt) { ended(); return; }
        skew = body.now - Date.now();
        expiresAt = body.expiresAt;
        var left = expiresAt - body.now;
        if (left <= 0) ended();
        else if (left <= warningMs) show(left);
        else { hide(); schedule(); }
      })
      .catch(function () { schedule(); });
  }

  function show(left) {
    if (dialog.hidden) {
      previousFocus = document.activeElement;
      dialog.hidden = false;
      stay.focus();
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, Math.min(left, 15000));
  }

  function hide() {
    if (!dialog.hidden) {
      dialog.hidden = true;
      if (previousFocus && previousFocus.focus) previousFocus.focus();
    }
  }

  function ended() {
    window.location.assign('/login?m=session_ended');
  }

  stay.addEventListener('click', function () {
    fetch('/session/extend', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'x-csrf-token': csrf },
    })
      .then(function (r) {
        if (!r.ok) throw new Error('extend failed');
        return r.json();
      })
      .then(function (body) {
        expiresAt = body.expiresAt;
        hide();
        status.textContent = status.getAttribute('data-extended');
        schedule();
      })
      .catch(ended);
  });

  logout.addEventListener('click', function () {
    var form = document.querySelector('form[action="/logout"]');
    if (form) form.submit();
    else ended();
  });

  dialog.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { stay.click(); return; }
    if (event.key !== 'Tab') return;
    // Keep focus inside the modal dialog.
    if (event.shiftKey && document.activeElement === stay) { event.preventDefault(); logout.focus(); }
    else if (!event.shiftKey && document.activeElement === logout) { event.preventDefault(); stay.focus(); }
  });

  schedule();
})();

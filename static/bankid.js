// BankID waiting page: asks the portal every second how the order stands, refreshes the
// animated QR code, updates the status message only when it changes (so screen readers
// are not flooded), and moves on when the order is done. A QR code that ran out unscanned
// is replaced by a new one (the portal says when, and how often: POST /bankid/renew); the
// portal's status warns before. Once the person uses the launch link ("this device"), the
// status says the app is being started. Without this script the page still works with
// its "Update status" link, and a QR code that ran out offers "Try again".
(function () {
  'use strict';
  var root = document.getElementById('bankid');
  if (!root || root.getAttribute('data-state') !== 'pending') return;
  var status = document.getElementById('bankid-status');
  var qr = document.getElementById('bankid-qr');
  var qrSection = document.getElementById('bankid-qr-section');
  var launch = document.getElementById('bankid-launch');
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var hints = document.querySelectorAll('.no-js-hint');
  for (var i = 0; i < hints.length; i++) hints[i].hidden = true;
  var stopped = false;
  var launched = false;

  function say(message) {
    if (status && message && status.textContent !== message) status.textContent = message;
  }

  if (launch) {
    launch.addEventListener('click', function () {
      launched = true;
      say(launch.getAttribute('data-launching'));
    });
  }

  function reload() {
    stopped = true;
    window.location.reload();
  }

  function renew() {
    fetch('/bankid/renew', {
      method: 'POST',
      headers: { accept: 'application/json', 'x-csrf-token': csrf || '' },
      credentials: 'same-origin',
    })
      .then(function (r) {
        if (!r.ok) throw new Error('not renewed');
        return r.json();
      })
      .then(function (body) {
        say(body.message);
        if (qr) qr.setAttribute('src', '/bankid/qr.svg?t=' + Date.now());
        setTimeout(tick, 1000);
      })
      // Not renewed (the limit, BankID refused, another tab was first): the page says why.
      .catch(reload);
  }

  function tick() {
    if (stopped) return;
    fetch('/bankid/status' + (launched ? '?launched=1' : ''), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.next) { stopped = true; window.location.assign(body.next); return; }
        if (body.state === 'failed' && body.renew) { renew(); return; }
        if (body.state !== 'pending') { reload(); return; }
        say(body.message);
        if (qr && qrSection) {
          qrSection.hidden = !body.qr;
          if (body.qr) qr.setAttribute('src', '/bankid/qr.svg?t=' + Date.now());
        }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 1000);
})();

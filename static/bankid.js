// BankID waiting page: asks the portal every second how the order stands, draws the
// animated QR code of this second from the data the portal sends (static/qr.js; never the
// QR secret, which stays on the portal), updates the status message only when it changes
// (so screen readers are not flooded), and moves on when the order is done. A QR code that ran out unscanned
// is replaced by a new one (the portal says when, and how often: POST /bankid/renew); the
// portal's status warns before. Once the person uses the launch link ("this device"), the
// status says the app is being started. Without this script the page still works with
// its "Update status" link and the portal's QR image, and a QR code that ran out offers
// "Try again".
(function () {
  'use strict';
  var root = document.getElementById('bankid');
  if (!root || root.getAttribute('data-state') !== 'pending') return;
  var status = document.getElementById('bankid-status');
  var qrBox = document.getElementById('bankid-qr-box');
  var qrLabel = qrBox ? qrBox.getAttribute('data-label') || '' : '';
  var qrShown = '';
  var qrSection = document.getElementById('bankid-qr-section');
  var launch = document.getElementById('bankid-launch');
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var hints = document.querySelectorAll('.no-js-hint');
  for (var i = 0; i < hints.length; i++) hints[i].hidden = true;
  var stopped = false;
  var launched = false;
  // The person leaves the page by a form (switch, cancel): no more polls, and no answer in
  // flight may reload the page over that navigation.
  document.addEventListener('submit', function () {
    stopped = true;
  });

  function say(message) {
    if (status && message && status.textContent !== message) status.textContent = message;
  }

  if (launch) {
    launch.addEventListener('click', function () {
      launched = true;
      say(launch.getAttribute('data-launching'));
    });
  }

  // Draws the QR code of `data` unless it shows already. Should qr.js not have loaded, the
  // portal's image of this second instead, as the page did before it drew the code itself.
  function showQr(data) {
    if (!qrBox || !data || data === qrShown) return;
    qrShown = data;
    if (window.KundwebbenQr) {
      window.KundwebbenQr.draw(qrBox, data, qrLabel);
      return;
    }
    var img = qrBox.querySelector('img');
    if (!img) {
      img = document.createElement('img');
      img.className = 'bankid-qr';
      img.width = 240;
      img.height = 240;
      img.alt = qrLabel;
      qrBox.appendChild(img);
    }
    img.setAttribute('src', '/bankid/qr.svg?t=' + Date.now());
  }
  if (qrBox) showQr(qrBox.getAttribute('data-qr'));

  function reload() {
    if (stopped) return;
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
        // The new order's QR code at once.
        tick();
      })
      // Not renewed (the limit, BankID refused, another tab was first): the page says why.
      .catch(reload);
  }

  function tick() {
    if (stopped) return;
    fetch('/bankid/status' + (launched ? '?launched=1' : ''), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (stopped) return;
        if (body.next) { stopped = true; window.location.assign(body.next); return; }
        if (body.state === 'failed' && body.renew) { renew(); return; }
        if (body.state !== 'pending') { reload(); return; }
        say(body.message);
        if (qrSection) {
          qrSection.hidden = !body.qr;
          if (body.qr) showQr(body.qrData);
        }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 1000);
})();

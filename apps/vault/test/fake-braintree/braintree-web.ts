/**
 * The subset of braintree-web 3.x the pay page uses, served by the fake at
 * `/web/<version>/js/client.min.js` (hosted-fields.min.js and three-d-secure.min.js
 * beside it, as on Braintree's CDN): `braintree.client.create({authorization})`,
 * `braintree.hostedFields.create({client, fields})` with `on`, `tokenize`, `focus`
 * and `teardown`, and `braintree.threeDSecure.create({client, version: 2})` with
 * `verifyCard({nonce, bin, amount, onLookupComplete})`. As in the real SDK each
 * field is an iframe on the processor's origin; the number frame gathers the other
 * frames' values (same origin as it) and posts the card to the processor's client
 * API, so the merchant page (the vault) only ever sees the nonce. A 3-D Secure
 * challenge opens the issuer's page in an iframe over the page.
 */

export const SDK_VERSION = '3.144.0';

export const BRAINTREE_WEB_JS = String.raw`(function () {
  'use strict';
  var base = new URL(document.currentScript.src).origin;
  var seq = 0;
  var waiting = {};
  var listeners = [];
  window.addEventListener('message', function (e) {
    if (e.origin !== base || !e.data || e.data.source !== 'fake-braintree') return;
    var d = e.data;
    if (d.requestId && waiting[d.requestId]) { var w = waiting[d.requestId]; delete waiting[d.requestId]; w(d); return; }
    listeners.forEach(function (l) { l(d); });
  });
  function BraintreeError(code, message, details) {
    var e = new Error(message); e.name = 'BraintreeError'; e.code = code; e.type = 'CUSTOMER'; e.details = details; return e;
  }
  function decode(token) {
    try { return JSON.parse(atob(token)); } catch (e) { throw BraintreeError('CLIENT_INVALID_AUTHORIZATION', 'Authorization is invalid. Make sure your client token or tokenization key is valid.'); }
  }
  var client = {
    create: function (options) {
      var token = decode(options && options.authorization);
      var url = token.configUrl + '?configVersion=3&authorizationFingerprint=' + encodeURIComponent(token.authorizationFingerprint);
      return fetch(url).then(function (r) {
        if (!r.ok) throw BraintreeError('CLIENT_AUTHORIZATION_INVALID', 'Either the client token has expired and a new one should be generated or the tokenization key has been deactivated or deleted.');
        return r.json();
      }).then(function (config) {
        return {
          _token: token,
          getConfiguration: function () { return { authorization: options.authorization, gatewayConfiguration: config }; },
          teardown: function () { return Promise.resolve(); },
        };
      });
    },
  };

  var LABELS = { number: 'Credit Card Number', cvv: 'CVV', expirationDate: 'Expiration Date' };
  var hostedFields = {
    create: function (options) {
      var c = options && options.client;
      if (!c || !c._token) return Promise.reject(BraintreeError('INSTANTIATION_OPTION_REQUIRED', 'options.client is required when instantiating Hosted Fields.'));
      var fields = options.fields || {};
      var keys = Object.keys(fields);
      if (keys.indexOf('number') < 0) return Promise.reject(BraintreeError('HOSTED_FIELDS_FIELD_INVALID', 'number is required'));
      var state = {};
      var handlers = {};
      var frames = {};
      function emit(type, event) { (handlers[type] || []).forEach(function (h) { h(event); }); }
      var ready = keys.map(function (key) {
        var container = document.querySelector(fields[key].container);
        if (!container) throw BraintreeError('HOSTED_FIELDS_INVALID_FIELD_SELECTOR', 'Selector does not reference a valid DOM node.');
        var frame = document.createElement('iframe');
        frame.name = 'braintree-hosted-field-' + key;
        frame.title = 'Secure Credit Card Frame - ' + LABELS[key];
        frame.setAttribute('frameborder', '0');
        frame.setAttribute('scrolling', 'no');
        frame.style.cssText = 'border:0;width:100%;height:44px;display:block';
        var hash = { field: key, origin: location.origin, placeholder: fields[key].placeholder || '', label: LABELS[key] };
        frame.src = base + '/hosted-fields-frame.html#' + encodeURIComponent(JSON.stringify(hash));
        container.appendChild(frame);
        frames[key] = frame;
        state[key] = { isEmpty: true, isValid: false, isPotentiallyValid: true, isFocused: false, container: container };
        return new Promise(function (resolve) {
          listeners.push(function (d) { if (d.type === 'ready' && d.field === key) resolve(); });
        });
      });
      listeners.push(function (d) {
        if (d.type !== 'state' || !state[d.field]) return;
        var s = state[d.field];
        var was = { valid: s.isValid, focused: s.isFocused, card: s.cardType };
        s.isEmpty = d.isEmpty; s.isValid = d.isValid; s.isPotentiallyValid = d.isPotentiallyValid; s.isFocused = d.isFocused;
        s.container.classList.toggle('braintree-hosted-fields-focused', d.isFocused);
        s.container.classList.toggle('braintree-hosted-fields-invalid', !d.isPotentiallyValid);
        s.container.classList.toggle('braintree-hosted-fields-valid', d.isValid);
        var event = { emittedBy: d.field, fields: state, cards: d.cardType ? [{ type: d.cardType }] : [] };
        if (was.valid !== s.isValid) emit('validityChange', event);
        if (!was.focused && s.isFocused) emit('focus', event);
        if (was.focused && !s.isFocused) emit('blur', event);
        if (d.field === 'number' && d.cardType !== undefined && d.cardType !== was.card) { s.cardType = d.cardType; emit('cardTypeChange', event); }
        emit('inputSubmitRequest', undefined);
      });
      return Promise.all(ready).then(function () {
        return {
          on: function (type, handler) { (handlers[type] = handlers[type] || []).push(handler); },
          getState: function () { return { fields: state }; },
          focus: function (key) { frames[key] && frames[key].contentWindow.postMessage({ source: 'fake-braintree-parent', type: 'focus' }, base); },
          teardown: function () {
            keys.forEach(function (k) { frames[k].remove(); });
            return Promise.resolve();
          },
          tokenize: function () {
            var empty = keys.filter(function (k) { return state[k].isEmpty; });
            var invalid = keys.filter(function (k) { return !state[k].isValid; });
            if (empty.length === keys.length) return Promise.reject(BraintreeError('HOSTED_FIELDS_FIELDS_EMPTY', 'All fields are empty. Cannot tokenize empty card fields.'));
            if (invalid.length) return Promise.reject(BraintreeError('HOSTED_FIELDS_FIELDS_INVALID', 'Some payment input fields are invalid. Cannot tokenize invalid card fields.', { invalidFieldKeys: invalid }));
            var requestId = 'r' + (++seq);
            return new Promise(function (resolve, reject) {
              waiting[requestId] = function (d) {
                if (d.error) reject(BraintreeError(d.error.code, d.error.message, d.error.details));
                else resolve(d.payload);
              };
              frames.number.contentWindow.postMessage({
                source: 'fake-braintree-parent', type: 'tokenize', requestId: requestId,
                clientApiUrl: c._token.clientApiUrl, authorizationFingerprint: c._token.authorizationFingerprint,
              }, base);
            });
          },
        };
      });
    },
  };

  function challenge(url) {
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.setAttribute('data-braintree-3ds', '');
      overlay.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:2147483647';
      var frame = document.createElement('iframe');
      frame.title = '3D Secure verification';
      frame.name = 'braintree-3ds-challenge';
      frame.style.cssText = 'border:0;width:min(400px,96vw);height:360px;background:#fff;border-radius:8px';
      frame.src = url + '&origin=' + encodeURIComponent(location.origin);
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
      listeners.push(function once(d) {
        if (d.type !== '3ds-result') return;
        listeners.splice(listeners.indexOf(once), 1);
        overlay.remove();
        resolve(d.paymentMethod);
      });
    });
  }

  var threeDSecure = {
    create: function (options) {
      var c = options && options.client;
      if (!c || !c._token) return Promise.reject(BraintreeError('INSTANTIATION_OPTION_REQUIRED', 'options.client is required when instantiating 3D Secure.'));
      if (String(options.version) !== '2') return Promise.reject(BraintreeError('THREEDS_UNSUPPORTED_VERSION', 'Only version 2 is supported.'));
      return Promise.resolve({
        verifyCard: function (o) {
          if (!o || !o.nonce || !o.amount) return Promise.reject(BraintreeError('THREEDS_MISSING_VERIFY_CARD_OPTION', 'verifyCard options must include a nonce and an amount.'));
          return fetch(c._token.clientApiUrl + '/v1/payment_methods/' + encodeURIComponent(o.nonce) + '/three_d_secure/lookup', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ amount: o.amount, bin: o.bin, authorizationFingerprint: c._token.authorizationFingerprint }),
          }).then(function (r) {
            if (!r.ok) throw BraintreeError('THREEDS_LOOKUP_ERROR', 'Something went wrong during the 3D Secure lookup');
            return r.json();
          }).then(function (data) {
            var next = function () {};
            if (typeof o.onLookupComplete === 'function') o.onLookupComplete(data, next);
            var pm = data.lookup && data.lookup.acsUrl ? challenge(data.lookup.acsUrl) : Promise.resolve(data.paymentMethod);
            return pm.then(function (p) {
              var info = p.threeDSecureInfo || { liabilityShifted: false, liabilityShiftPossible: false };
              return { nonce: p.nonce, details: p.details, type: p.type, liabilityShifted: info.liabilityShifted, liabilityShiftPossible: info.liabilityShiftPossible, threeDSecureInfo: info };
            });
          });
        },
        teardown: function () { return Promise.resolve(); },
      });
    },
  };

  window.braintree = { VERSION: '${SDK_VERSION}', client: client, hostedFields: hostedFields, threeDSecure: threeDSecure };
})();
`;

/** One hosted field: an input on the processor's origin. The number frame also tokenises. */
export const FIELD_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Secure card field</title>
<style>
  html,body{margin:0;padding:0;font:16px system-ui,sans-serif;background:transparent}
  input{box-sizing:border-box;width:100%;height:44px;padding:0 10px;border:1px solid #6b7280;border-radius:6px;font:inherit;color:#111}
  input:focus{outline:3px solid #2563eb;outline-offset:-2px}
  input[aria-invalid=true]{border-color:#b91c1c}
</style></head>
<body><input id="field" autocomplete="off">
<script>
(function () {
  var opts = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  var field = opts.field;
  var input = document.getElementById('field');
  input.setAttribute('aria-label', opts.label);
  input.placeholder = opts.placeholder;
  if (field === 'number') { input.inputMode = 'numeric'; input.autocomplete = 'cc-number'; input.name = 'credit-card-number'; }
  if (field === 'cvv') { input.inputMode = 'numeric'; input.autocomplete = 'cc-csc'; input.name = 'cvv'; input.maxLength = 4; }
  if (field === 'expirationDate') { input.inputMode = 'numeric'; input.autocomplete = 'cc-exp'; input.name = 'expiration'; }
  function digits() { return input.value.replace(/\D/g, ''); }
  function luhn(n) { var s = 0; for (var i = 0; i < n.length; i++) { var d = +n[n.length - 1 - i]; if (i % 2) { d *= 2; if (d > 9) d -= 9; } s += d; } return n.length >= 12 && s % 10 === 0; }
  function cardType(n) { return /^4/.test(n) ? 'visa' : /^(5[1-5]|2[2-7])/.test(n) ? 'master-card' : /^3[47]/.test(n) ? 'american-express' : n ? 'discover' : null; }
  function validity() {
    var d = digits();
    if (field === 'number') return { valid: luhn(d) && d.length >= 15, potential: d.length < 16 || luhn(d) };
    if (field === 'cvv') return { valid: /^\d{3,4}$/.test(d), potential: d.length <= 4 };
    var m = +d.slice(0, 2), y = +d.slice(2);
    var now = new Date(), yy = now.getFullYear() % 100;
    var ok = d.length === 4 && m >= 1 && m <= 12 && (y > yy || (y === yy && m >= now.getMonth() + 1));
    return { valid: ok, potential: d.length < 4 || ok };
  }
  function send(msg) { msg.source = 'fake-braintree'; parent.postMessage(msg, opts.origin); }
  function report() {
    var v = validity();
    input.setAttribute('aria-invalid', v.potential ? 'false' : 'true');
    send({ type: 'state', field: field, isEmpty: input.value === '', isValid: v.valid, isPotentiallyValid: v.potential, isFocused: document.activeElement === input, cardType: field === 'number' ? cardType(digits()) : undefined });
  }
  input.addEventListener('input', function () {
    var d = digits();
    if (field === 'number') { d = d.slice(0, 19); input.value = (/^3[47]/.test(d) ? d.replace(/^(\d{4})(\d{0,6})(\d{0,5}).*/, '$1 $2 $3') : d.replace(/(\d{4})(?=\d)/g, '$1 ')).trim(); }
    if (field === 'expirationDate') { d = d.slice(0, 4); input.value = d.length > 2 ? d.slice(0, 2) + ' / ' + d.slice(2) : d; }
    if (field === 'cvv') input.value = d.slice(0, 4);
    report();
  });
  input.addEventListener('focus', report);
  input.addEventListener('blur', report);
  function sibling(name) {
    try { return parent.frames['braintree-hosted-field-' + name].document.getElementById('field').value; } catch (e) { return ''; }
  }
  window.addEventListener('message', function (e) {
    if (e.origin !== opts.origin || !e.data || e.data.source !== 'fake-braintree-parent') return;
    if (e.data.type === 'focus') { input.focus(); return; }
    if (e.data.type !== 'tokenize' || field !== 'number') return;
    var req = e.data;
    var exp = sibling('expirationDate').replace(/\D/g, '');
    fetch(req.clientApiUrl + '/v1/payment_methods/credit_cards', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ creditCard: { number: digits(), expirationDate: exp.slice(0, 2) + '/' + exp.slice(2), cvv: sibling('cvv').replace(/\D/g, '') }, authorizationFingerprint: req.authorizationFingerprint, _meta: { source: 'hosted-fields' } }),
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); }).then(function (res) {
      if (!res.ok) send({ requestId: req.requestId, error: { code: 'HOSTED_FIELDS_FAILED_TOKENIZATION', message: 'The supplied card data failed tokenization.', details: { invalidFieldKeys: res.body.fieldErrors || [] } } });
      else send({ requestId: req.requestId, payload: res.body.creditCards[0] });
    }, function () {
      send({ requestId: req.requestId, error: { code: 'HOSTED_FIELDS_TOKENIZATION_NETWORK_ERROR', message: 'A tokenization network error occurred.' } });
    });
  });
  send({ type: 'ready', field: field });
})();
</script></body></html>`;

/** The issuer's challenge (in reality Cardinal's and the bank's page). */
export const CHALLENGE_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>3D Secure verification</title>
<style>body{font:16px system-ui,sans-serif;margin:0;padding:20px;color:#111}button{font:inherit;padding:10px 16px;margin:6px 6px 0 0;border-radius:6px;border:1px solid #374151;background:#fff}button.primary{background:#1d4ed8;color:#fff;border-color:#1d4ed8}</style></head>
<body><main><h1>Confirm your payment</h1><p>Your bank asks you to confirm this purchase (fake Braintree test issuer).</p>
<button class="primary" id="approve">Complete authentication</button><button id="deny">Fail authentication</button></main>
<script>
(function () {
  var q = new URLSearchParams(location.search);
  function answer(approve) {
    fetch('/3ds/answer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nonce: q.get('nonce'), approve: approve }) })
      .then(function (r) { return r.json(); })
      .then(function (b) { parent.postMessage({ source: 'fake-braintree', type: '3ds-result', paymentMethod: b.paymentMethod }, q.get('origin')); });
  }
  document.getElementById('approve').addEventListener('click', function () { answer(true); });
  document.getElementById('deny').addEventListener('click', function () { answer(false); });
  document.getElementById('approve').focus();
})();
</script></body></html>`;

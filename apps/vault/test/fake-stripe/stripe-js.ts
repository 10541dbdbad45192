/**
 * The subset of Stripe.js v3 the pay page uses, served by the fake at `/v3/`:
 * `Stripe(pk)`, `elements({clientSecret})`, `create('payment')`, `mount`,
 * `on('ready')`, `destroy`, `confirmPayment({elements, confirmParams, redirect})`
 * and `retrievePaymentIntent`. As in the real SDK, the Payment Element is an
 * iframe on the processor's origin: the card is typed there and posted from
 * there to the processor's API, so the merchant page (the vault) never sees it.
 * A 3-D Secure step opens the processor's challenge in an iframe over the page.
 */

export const STRIPE_JS = String.raw`(function () {
  'use strict';
  var base = new URL(document.currentScript.src).origin;
  var seq = 0;
  var waiting = {};
  var ready = {};
  var challengeDone = null;
  window.addEventListener('message', function (e) {
    if (e.origin !== base || !e.data || e.data.source !== 'fake-stripe') return;
    var d = e.data;
    if (d.type === 'result' && waiting[d.id]) { var w = waiting[d.id]; delete waiting[d.id]; w(d.result); }
    if (d.type === 'ready' && ready[d.frame]) ready[d.frame]();
    if (d.type === '3ds-done' && challengeDone) { var c = challengeDone; challengeDone = null; c(); }
  });

  function challenge(url) {
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.setAttribute('data-stripe-3ds', '');
      overlay.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:2147483647';
      var frame = document.createElement('iframe');
      frame.title = '3D Secure challenge';
      frame.name = 'stripe-challenge-frame';
      frame.style.cssText = 'border:0;width:min(400px,96vw);height:360px;background:#fff;border-radius:8px';
      frame.src = url;
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
      challengeDone = function () { overlay.remove(); resolve(); };
    });
  }

  function Stripe(pk) {
    if (typeof pk !== 'string' || pk.indexOf('pk_') !== 0) throw new Error('IntegrationError: invalid publishable key');
    function get(path, params) {
      var q = new URLSearchParams(params); q.set('key', pk);
      return fetch(base + path + '?' + q.toString()).then(function (r) { return r.json(); });
    }
    function failed(pi) {
      return { error: Object.assign({ type: 'card_error', payment_intent: pi }, pi.last_payment_error || { message: 'The payment was not completed.' }) };
    }
    return {
      elements: function (options) {
        var clientSecret = options && options.clientSecret;
        if (!clientSecret) throw new Error('IntegrationError: elements() needs a clientSecret');
        var elements = { _clientSecret: clientSecret, _frame: null };
        elements.create = function (type) {
          if (type !== 'payment') throw new Error('IntegrationError: unsupported element ' + type);
          var handlers = {};
          var element = {
            mount: function (target) {
              var host = typeof target === 'string' ? document.querySelector(target) : target;
              var name = 'fake-stripe-' + (++seq);
              var frame = document.createElement('iframe');
              frame.name = name;
              frame.title = 'Secure payment input frame';
              frame.setAttribute('allow', 'payment *');
              frame.style.cssText = 'border:0;width:100%;min-width:0;height:330px;display:block;overflow:hidden';
              frame.src = base + '/elements/payment#' + new URLSearchParams({ pk: pk, cs: clientSecret, frame: name }).toString();
              ready[name] = function () { if (handlers.ready) handlers.ready({ elementType: 'payment' }); };
              host.appendChild(frame);
              elements._frame = frame;
            },
            on: function (event, handler) { handlers[event] = handler; return element; },
            destroy: function () { if (elements._frame) elements._frame.remove(); elements._frame = null; },
          };
          return element;
        };
        return elements;
      },
      confirmPayment: function (options) {
        var elements = options && options.elements;
        var frame = elements && elements._frame;
        if (!frame) return Promise.resolve({ error: { type: 'validation_error', message: 'The Payment Element is not mounted.' } });
        var returnUrl = options.confirmParams && options.confirmParams.return_url;
        var id = ++seq;
        return new Promise(function (resolve) {
          waiting[id] = resolve;
          frame.contentWindow.postMessage({ source: 'fake-stripe-page', type: 'confirm', id: id, returnUrl: returnUrl }, base);
        }).then(function (result) {
          if (result.error) return { error: result.error };
          var pi = result.paymentIntent;
          if (pi.status === 'requires_action' && pi.next_action && pi.next_action.type === 'use_stripe_sdk') {
            return challenge(pi.next_action.use_stripe_sdk.stripe_js)
              .then(function () { return get('/v1/payment_intents/' + pi.id, { client_secret: elements._clientSecret }); })
              .then(function (fresh) { return fresh.status === 'succeeded' || fresh.status === 'processing' ? { paymentIntent: fresh } : failed(fresh); });
          }
          if (pi.status === 'succeeded' || pi.status === 'processing') {
            if (options.redirect !== 'if_required' && returnUrl) window.location.assign(returnUrl);
            return { paymentIntent: pi };
          }
          return failed(pi);
        });
      },
      retrievePaymentIntent: function (clientSecret) {
        return get('/v1/payment_intents/' + clientSecret.split('_secret_')[0], { client_secret: clientSecret })
          .then(function (pi) { return { paymentIntent: pi }; });
      },
    };
  }
  window.Stripe = Stripe;
})();
`;

export const ELEMENT_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payment Element</title>
<style>
  body { margin: 0; font: 16px system-ui, sans-serif; color: #1a1a1a; }
  .wallet { width: 100%; min-height: 44px; background: #000; color: #fff; border: 0; border-radius: 6px; font-weight: 600; }
  .wallet[aria-pressed="true"] { outline: 3px solid #0a60ff; }
  .or { text-align: center; color: #555; margin: 10px 0; font-size: 14px; }
  label { display: block; font-size: 14px; margin: 8px 0 4px; }
  input { box-sizing: border-box; width: 100%; min-width: 0; font: inherit; padding: 10px; border: 1px solid #767676; border-radius: 6px; }
  .row { display: flex; gap: 8px; } .row > div { flex: 1 1 0; min-width: 0; }
  .err { color: #b00020; font-size: 14px; min-height: 1em; }
</style></head>
<body>
  <button type="button" class="wallet" id="wallet" aria-pressed="false" data-testid="wallet-button">Pay with Google Pay</button>
  <p class="or">or pay with card</p>
  <label for="number">Card number</label>
  <input id="number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234">
  <div class="row">
    <div><label for="exp">Expiration date</label><input id="exp" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY"></div>
    <div><label for="cvc">Security code</label><input id="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC"></div>
  </div>
  <p class="err" id="err" role="alert"></p>
<script>
(function () {
  var params = new URLSearchParams(location.hash.slice(1));
  var pk = params.get('pk'), cs = params.get('cs'), frame = params.get('frame');
  var pi = cs.split('_secret_')[0];
  var wallet = document.getElementById('wallet');
  wallet.addEventListener('click', function () {
    wallet.setAttribute('aria-pressed', wallet.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
  });
  function post(message) { message.source = 'fake-stripe'; window.parent.postMessage(message, '*'); }
  window.addEventListener('message', function (e) {
    if (e.source !== window.parent || !e.data || e.data.source !== 'fake-stripe-page' || e.data.type !== 'confirm') return;
    var id = e.data.id;
    var body = new URLSearchParams({ key: pk, client_secret: cs });
    if (e.data.returnUrl) body.set('return_url', e.data.returnUrl);
    if (wallet.getAttribute('aria-pressed') === 'true') {
      body.set('payment_method_data[type]', 'google_pay');
    } else {
      var exp = document.getElementById('exp').value.replace(/\D/g, '');
      body.set('payment_method_data[type]', 'card');
      body.set('payment_method_data[card][number]', document.getElementById('number').value.replace(/\D/g, ''));
      body.set('payment_method_data[card][exp_month]', exp.slice(0, 2));
      body.set('payment_method_data[card][exp_year]', exp.slice(2));
      body.set('payment_method_data[card][cvc]', document.getElementById('cvc').value);
    }
    fetch('/v1/payment_intents/' + pi + '/confirm', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(),
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (r) {
        document.getElementById('err').textContent = r.ok ? '' : r.j.error.message;
        post({ type: 'result', id: id, result: r.ok ? { paymentIntent: r.j } : { error: r.j.error } });
      }, function () {
        post({ type: 'result', id: id, result: { error: { type: 'api_connection_error', message: 'Network error' } } });
      });
  });
  post({ type: 'ready', frame: frame });
})();
</script>
</body></html>
`;

export const CHALLENGE_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>3D Secure 2 Test Page</title>
<style>body{font:16px system-ui,sans-serif;margin:16px} button{min-height:44px;padding:0 16px;margin:4px 4px 0 0;font:inherit}</style>
</head><body>
  <h1>3D Secure 2 Test Page</h1>
  <p>This is a test 3D Secure challenge from your bank.</p>
  <button type="button" id="approve">Complete authentication</button>
  <button type="button" id="deny">Fail authentication</button>
<script>
(function () {
  var pi = location.pathname.split('/')[2];
  function answer(result) {
    fetch('/3ds/' + pi + '/complete', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'result=' + result })
      .then(function () { window.parent.postMessage({ source: 'fake-stripe', type: '3ds-done' }, '*'); });
  }
  document.getElementById('approve').addEventListener('click', function () { answer('approve'); });
  document.getElementById('deny').addEventListener('click', function () { answer('deny'); });
})();
</script>
</body></html>
`;

// Inside /embed only: tells the host page the widget's height, once the host page asks for it.
(function () {
  'use strict';
  var asker = null;
  function send() {
    var main = document.querySelector('main');
    if (!asker || !main) return;
    var bottom = parseFloat(getComputedStyle(document.body).paddingBottom) || 0;
    parent.postMessage({ passerelle: 'height', height: Math.ceil(main.getBoundingClientRect().bottom + bottom) }, asker);
  }
  addEventListener('message', function (e) {
    if (e.source !== parent || e.data !== 'passerelle:resize' || typeof e.origin !== 'string' || e.origin === 'null') return;
    asker = e.origin;
    send();
  });
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
})();

// Passerelle embed: fills every element that has a data-passerelle attribute with a list of items
// from the hub's public JSON API, inside a shadow root so the host page's rules and ours stay
// apart. The attribute takes the hub's filter (topic, region, province, lang, type, source, q)
// plus ui (en or fr: the widget's own words), theme (light or dark), limit (1 to 50) and
// view=events (the upcoming events, by their date, in the visitor's time zone; ended ones hidden):
//   <div data-passerelle="topic=housing&ui=fr"><a href="https://hub.example/fr/?topic=housing">…</a></div>
//   <script src="https://hub.example/embed.js" async></script>
// The link inside is what shows where scripts are blocked; the list replaces it. The widget takes
// the host page's font, and without a theme its text and link colours; --passerelle-accent,
// --passerelle-background and --passerelle-border set on the element override them.
// Text from the API is only ever set with textContent, links must be http(s), no cookies are sent.
(function () {
  'use strict';
  var script = document.currentScript;
  var hub = new URL('.', script && script.src ? script.src : location.href).href;
  var CSS = __EMBED_CSS__;
  var WORDS = {
    en: {
      more: 'More on Passerelle', empty: 'Nothing here yet.', noEvents: 'No upcoming event for now.', failed: 'The list could not be loaded.', en: 'English', fr: 'French',
      param: function (p, s) { return '“' + p + '” is not a parameter of this widget.' + (s ? ' Did you mean “' + s + '”?' : ''); },
      value: function (p, v) { return '“' + p + '” does not take ' + v.map(function (x) { return '“' + x + '”'; }).join(', ') + '.'; }
    },
    fr: {
      more: 'Plus sur Passerelle', empty: 'Rien pour l’instant.', noEvents: 'Aucun événement à venir pour l’instant.', failed: 'La liste n’a pas pu être chargée.', en: 'Anglais', fr: 'Français',
      param: function (p, s) { return '«\u00a0' + p + '\u00a0» n’est pas un paramètre de ce widget.' + (s ? ' Vouliez-vous dire «\u00a0' + s + '\u00a0»\u00a0?' : ''); },
      value: function (p, v) { return '«\u00a0' + p + '\u00a0» n’accepte pas ' + v.map(function (x) { return '«\u00a0' + x + '\u00a0»'; }).join(', ') + '.'; }
    }
  };

  // What went wrong, in the widget's words when the API says which parameter it was.
  function problemText(w, d) {
    var p = d && typeof d.parameter === 'string' ? d.parameter : '';
    if (p && d.code === 'unknown-parameter') return w.param(p, d.suggestion);
    if (p && d.code === 'unknown-value' && d.values) return w.value(p, [].concat(d.values).map(String));
    return '';
  }

  // The host page's link colour, read from a link of its own beside the element (the shadow root
  // does not inherit it, as it does the font and the text colour).
  function hostLinkColour(host) {
    var probe = document.createElement('a');
    probe.href = location.href;
    probe.hidden = true;
    host.parentNode.insertBefore(probe, host);
    var colour = getComputedStyle(probe).color;
    probe.parentNode.removeChild(probe);
    return colour;
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function httpUrl(u) {
    return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null;
  }

  function clear(node) {
    node.textContent = '';
  }

  function styleRoot(root) {
    // A constructed stylesheet is not an inline <style>, so a host page's strict CSP still allows it.
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === 'function') {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* older engines: fall back to a <style> element */ }
    }
    root.appendChild(el('style', CSS));
  }

  function render(box, items, w, ui, more, events) {
    clear(box);
    var locale = ui === 'fr' ? 'fr-CA' : 'en-CA';
    var dates = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' });
    var days = new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
    var times = new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
    // An event's date: its days as given when all-day, else its start in the visitor's zone.
    function eventDate(ev) {
      if (!ev || typeof ev.start !== 'string') return '';
      var when = new Date(ev.allDay ? ev.start.slice(0, 10) + 'T12:00:00Z' : ev.start);
      if (isNaN(when)) return '';
      return (ev.allDay ? days : times).format(when);
    }
    if (!items.length) box.appendChild(el('p', events ? w.noEvents : w.empty, 'm'));
    var list = el('ul');
    items.forEach(function (item) {
      var li = el('li');
      var link = el('a', String(item.title || ''));
      link.href = httpUrl(item.url) || hub + ui + '/items/' + encodeURIComponent(item.id);
      var lang = item.language === 'en' || item.language === 'fr' ? item.language : '';
      if (lang && lang !== ui) link.lang = lang;
      li.appendChild(link);
      var meta = [String(item.organization || '')];
      var when = new Date(item.published);
      if (item.event) meta.push(eventDate(item.event));
      else if (!isNaN(when)) meta.push(dates.format(when));
      if (lang && lang !== ui) meta.push(w[lang]);
      li.appendChild(el('p', meta.join(' · '), 'm'));
      list.appendChild(li);
    });
    if (items.length) box.appendChild(list);
    var foot = el('p', null, 'f');
    var link = el('a', w.more);
    link.href = more;
    foot.appendChild(link);
    box.appendChild(foot);
  }

  function fill(host) {
    if (host.getAttribute('data-passerelle-done')) return;
    host.setAttribute('data-passerelle-done', '1');
    var params = new URLSearchParams(host.getAttribute('data-passerelle') || '');
    // Words: ui if given, else the one language of the items asked for, else the host page's.
    var asked = params.get('ui');
    var langs = params.getAll('lang').join(',').toLowerCase().split(',').filter(Boolean);
    var only = langs.length && langs.every(function (l) { return l === langs[0]; }) && (langs[0] === 'en' || langs[0] === 'fr') ? langs[0] : '';
    var ui = asked === 'fr' || asked === 'en' ? asked : only || (/^fr/i.test(document.documentElement.lang) ? 'fr' : 'en');
    var w = WORDS[ui];
    var theme = params.get('theme');
    var box = el('div', null, 'psl host' + (theme === 'dark' ? ' dark' : theme === 'light' ? '' : ' plain'));
    box.lang = ui;
    if (theme !== 'dark' && theme !== 'light' && host.parentNode) box.style.setProperty('--link', hostLinkColour(host));
    var events = params.get('view') === 'events';
    params.delete('ui');
    params.delete('theme');
    params.delete('view');
    var limit = Math.min(50, Math.max(1, parseInt(params.get('limit'), 10) || 5));
    params.delete('limit');
    var filter = params.toString();
    var more = hub + ui + '/' + (events ? (ui === 'fr' ? 'evenements' : 'events') : '') + (filter ? '?' + filter : '');
    params.set('limit', String(limit));
    var root = host.shadowRoot || host.attachShadow({ mode: 'open' });
    clear(root);
    styleRoot(root);
    root.appendChild(box);
    fetch(hub + (events ? 'api/events?' : 'api/items?') + params.toString(), { credentials: 'omit' })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) {
            var failure = new Error(body && body.error ? body.error : 'HTTP ' + res.status);
            failure.details = body && body.details;
            throw failure;
          }
          return body;
        });
      })
      .then(function (body) { render(box, (events ? body.events : body.items) || [], w, ui, more, events); })
      .catch(function (err) {
        clear(box);
        box.appendChild(el('p', w.failed, 'm'));
        var why = problemText(w, err.details);
        if (why) box.appendChild(el('p', why, 'm'));
        if (window.console) console.warn('Passerelle embed: ' + err.message);
      });
  }

  function scan() {
    var hosts = document.querySelectorAll('[data-passerelle]');
    for (var i = 0; i < hosts.length; i++) fill(hosts[i]);
  }

  window.passerelleEmbed = scan;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  else scan();
})();

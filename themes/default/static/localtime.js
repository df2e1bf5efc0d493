/* statusgen: the reader's local time next to each time the page shows in the site's
   timezone. Progressive enhancement only: without it the page is complete, every time
   already carries its zone and UTC offset. No inline code, so a strict CSP allows it. */
(function () {
  "use strict";
  // The site's timezone and the label come from the script element's attributes.
  var me = document.currentScript;
  var siteZone = me && me.getAttribute("data-timezone");
  var label = (me && me.getAttribute("data-local-label")) || "your time";
  if (!siteZone || typeof Intl === "undefined" || !Intl.DateTimeFormat) return;
  var lang = document.documentElement.lang || undefined;
  var fields = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  var local, site;
  try {
    local = new Intl.DateTimeFormat(lang, Object.assign({ timeZoneName: "short" }, fields));
    site = new Intl.DateTimeFormat(lang, Object.assign({ timeZone: siteZone }, fields));
  } catch (e) {
    return;
  }
  var plain = new Intl.DateTimeFormat(lang, fields);
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var t = times[i];
    var value = t.getAttribute("datetime");
    // Instants only: a calendar date reads the same everywhere.
    if (value.indexOf("T") < 0 || t.hasAttribute("data-local")) continue;
    var instant = new Date(value);
    if (isNaN(instant.getTime())) continue;
    // The same wall-clock time where the reader is: nothing to add.
    if (plain.format(instant) === site.format(instant)) continue;
    var span = document.createElement("span");
    span.className = "local-time";
    span.textContent = " (" + label + ": " + local.format(instant) + ")";
    t.setAttribute("data-local", "");
    t.parentNode.insertBefore(span, t.nextSibling);
  }
})();

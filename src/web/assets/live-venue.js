/* global window, document, localStorage, PerpsimCharts */
// The live page's venue-wide parts (see src/web/live.ts), driven by live.js: the market's insurance pool (its balance
// at each block end, from GET /v1/markets/:market/insurance, with the asset's global pool and the close-out trades),
// each liquidity provider's figures per epoch (GET /v1/markets/:market/liquidity: bond, time on book, LP fees, SLA
// penalties) and, with the admin token typed in (kept in this browser), every party's margin levels against its
// balances (GET /v1/admin/margins), parties below their maintenance level marked. Polled every two seconds.
(function () {
  'use strict';
  var C = PerpsimCharts;
  var KEEP = 3600;
  var TOKEN = 'perpsim-admin-token';
  var v = {
    // time (s), insurance pool balance
    insurance: [[], []],
    lastInsurance: null,
    lp: null,
    margins: null,
    adminError: null,
  };

  function el(id) {
    return document.getElementById(id);
  }
  function esc(x) {
    return String(x).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  function nsToS(ns) {
    return Number(BigInt(ns) / 1000000n) / 1000;
  }
  function table(id, head, rows, rowClass) {
    return (
      '<table class="t" id="' +
      id +
      '"><thead><tr>' +
      head
        .map(function (h) {
          return '<th>' + esc(h) + '</th>';
        })
        .join('') +
      '</tr></thead><tbody>' +
      rows
        .map(function (r, i) {
          var cls = rowClass ? rowClass(i) : '';
          return (
            '<tr' +
            (cls ? ' class="' + cls + '"' : '') +
            '>' +
            r
              .map(function (c) {
                return '<td>' + esc(c) + '</td>';
              })
              .join('') +
            '</tr>'
          );
        })
        .join('') +
      '</tbody></table>'
    );
  }

  function build() {
    v.chart = C.line(el('c-insurance-0'), {
      name: 'insurance-0',
      data: v.insurance,
      series: [{ label: 'insurance pool', color: C.COLORS[5], width: 2, step: 1, fill: 'rgba(140,86,75,0.12)' }],
      unit: 'settlement asset',
    });
    var input = el('admin-token');
    var saved = localStorage.getItem(TOKEN);
    if (saved) input.value = saved;
    el('admin-use').addEventListener('click', function () {
      var t = input.value.trim();
      if (t) localStorage.setItem(TOKEN, t);
      else localStorage.removeItem(TOKEN);
      v.margins = null;
      el('admin-margins').innerHTML = '<p class="note">loading…</p>';
    });
  }

  function onInsurance(r) {
    var s = v.insurance;
    r.history
      .slice()
      .reverse()
      .forEach(function (h) {
        var t = nsToS(h.time);
        if (s[0].length && t <= s[0][s[0].length - 1]) return;
        s[0].push(t);
        s[1].push(Number(h.balance));
        if (s[0].length > KEEP) {
          s[0].shift();
          s[1].shift();
        }
      });
    v.lastInsurance = r;
    C.setData(v.chart, s);
    el('insurance-figures').innerHTML = table(
      'insurance-table',
      ['market pool', 'global pool (asset)', 'close-out trades'],
      [[r.balance, r.globalBalance, r.closeOutTrades]],
    );
  }

  function onLiquidity(r) {
    v.lp = r;
    var rows = [];
    r.providers.forEach(function (p) {
      p.epochs.forEach(function (e) {
        rows.push([
          p.party,
          e.epoch + (e.end === null ? ' (open)' : ''),
          e.bond,
          e.timeOnBook === null ? '–' : (100 * e.timeOnBook).toFixed(1) + '% (' + e.blocksOnBook + '/' + e.blocks + ')',
          e.lpFees,
          e.penalties,
        ]);
      });
    });
    el('lp-epochs').innerHTML = rows.length
      ? table('lp-table', ['LP', 'epoch', 'bond', 'time on book (blocks)', 'LP fees', 'SLA penalties'], rows)
      : '<p class="note">No liquidity provider has a commitment on this market yet.</p>';
  }

  function onMargins(rows, marketId) {
    var mine = rows.filter(function (x) {
      return x.market === marketId;
    });
    v.margins = mine;
    el('admin-margins').innerHTML = mine.length
      ? table(
          'margins-table',
          ['party', 'open volume', 'maintenance', 'initial', 'margin account', 'order margin', 'general'],
          mine.map(function (x) {
            return [x.party, x.openVolume, x.maintenance, x.initial, x.margin, x.orderMargin, x.general];
          }),
          function (i) {
            var x = mine[i];
            return Number(x.margin) + Number(x.orderMargin) < Number(x.maintenance) ? 'below' : '';
          },
        )
      : '<p class="note">No party has a position on this market.</p>';
  }

  function loop(state, api) {
    var m = state.market;
    var id = encodeURIComponent(m.id);
    var first = v.insurance[0].length === 0;
    var token = localStorage.getItem(TOKEN);
    var jobs = [
      api('/v1/markets/' + id + '/insurance?history=' + (first ? KEEP : 5)).then(onInsurance),
      api('/v1/markets/' + id + '/liquidity').then(onLiquidity),
    ];
    if (token)
      jobs.push(
        api('/v1/admin/margins', token).then(
          function (rows) {
            v.adminError = null;
            onMargins(rows, m.id);
          },
          function (e) {
            v.adminError = e.message;
            el('admin-margins').innerHTML = '<p class="note">' + esc(e.message) + '</p>';
          },
        ),
      );
    Promise.all(jobs)
      .catch(function () {})
      .then(function () {
        window.setTimeout(function () {
          loop(state, api);
        }, 2000);
      });
  }

  window.PerpsimLiveVenue = { state: v, build: build, loop: loop };
})();

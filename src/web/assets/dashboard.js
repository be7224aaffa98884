/* global window, document, PerpsimCharts */
// The dashboard's browser side (see src/web/dashboard.ts): draws the charts of a finished simulation or sweep from the
// page's embedded data, and renders the order-book ladder and the trades tape. The live page (live.js) reuses
// `ladder`, `tape` and the chart specs.
(function () {
  'use strict';
  var C = PerpsimCharts;
  var COLORS = C.COLORS;

  function el(id) {
    return document.getElementById(id);
  }

  function col(series, name) {
    return (
      series[name] ||
      series.time.map(function () {
        return null;
      })
    );
  }

  function scaled(xs, k) {
    return xs.map(function (v) {
      return v === null ? null : v * k;
    });
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /** The ladder: asks above (best lowest, nearest the spread), bids below, with bars proportional to size. */
  function ladder(root, book, levels) {
    if (!root) return;
    if (!book) {
      root.innerHTML = '<p class="note">This run did not record the order book.</p>';
      return;
    }
    var n = levels || 12;
    var asks = book.asks.slice(0, n).reverse();
    var bids = book.bids.slice(0, n);
    var max = 0;
    asks.concat(bids).forEach(function (l) {
      if (l[1] > max) max = l[1];
    });
    function row(l, side) {
      var w = max > 0 ? Math.round((l[1] / max) * 100) : 0;
      var bg = side === 'ask' ? 'rgba(215,48,39,0.13)' : 'rgba(26,152,80,0.13)';
      return (
        '<tr><td class="' +
        side +
        '">' +
        C.fmt(l[0]) +
        '</td><td class="bar" style="background: linear-gradient(to left, ' +
        bg +
        ' ' +
        w +
        '%, transparent ' +
        w +
        '%)">' +
        C.fmt(l[1]) +
        '</td></tr>'
      );
    }
    var spread = book.asks.length && book.bids.length ? book.asks[0][0] - book.bids[0][0] : null;
    root.innerHTML =
      '<table class="t ladder"><thead><tr><th>price</th><th>size</th></tr></thead><tbody>' +
      asks
        .map(function (l) {
          return row(l, 'ask');
        })
        .join('') +
      '<tr><td colspan="2" class="l note">spread ' +
      (spread === null ? '–' : C.fmt(spread)) +
      '</td></tr>' +
      bids
        .map(function (l) {
          return row(l, 'bid');
        })
        .join('') +
      '</tbody></table>';
    root.dataset.levels = String(book.bids.length + book.asks.length);
  }

  /** The trades tape, newest first. */
  function tape(root, trades, limit) {
    if (!root) return;
    var rows = trades.slice(0, limit || 60).map(function (t) {
      var side = t.aggressor === 'buy' ? 'bid' : t.aggressor === 'sell' ? 'ask' : '';
      return (
        '<tr><td class="l">' +
        new Date(t.time * 1000).toISOString().slice(11, 19) +
        '</td><td class="' +
        side +
        '">' +
        C.fmt(t.price) +
        '</td><td>' +
        C.fmt(t.size) +
        '</td><td class="l">' +
        esc(t.aggressor || '') +
        '</td></tr>'
      );
    });
    root.innerHTML =
      '<table class="t ladder"><thead><tr><th class="l">time (UTC)</th><th>price</th><th>size</th><th class="l">aggressor</th></tr></thead><tbody>' +
      (rows.join('') || '<tr><td colspan="4" class="l note">no trades</td></tr>') +
      '</tbody></table>';
  }

  function bandsOf(m) {
    return m.auctions.map(function (a) {
      return [a[0], a[1]];
    });
  }

  /** The market charts (static or live): candles, prices, funding, open interest, stake, spread, margins. */
  function marketCharts(m, i) {
    var s = m.series;
    var x = s.time;
    var bands = bandsOf(m);
    var made = {};
    made.candles = C.candles(el('c-candles-' + i), {
      name: 'candles-' + i,
      data: [
        x,
        col(s, 'open'),
        col(s, 'high'),
        col(s, 'low'),
        col(s, 'close'),
        col(s, 'volume'),
        col(s, 'mark'),
        col(s, 'bound_min'),
        col(s, 'bound_max'),
      ],
      extra: [
        { label: 'mark', color: 'rgba(31,119,180,0.7)', width: 1 },
        { label: 'lower bound', color: '#999', dash: [5, 4], width: 1, step: 1 },
        { label: 'upper bound', color: '#999', dash: [5, 4], width: 1, step: 1 },
      ],
      bands: bands,
      unit: 'price; right: volume',
      height: 340,
    });
    made.prices = C.line(el('c-prices-' + i), {
      name: 'prices-' + i,
      data: [x, col(s, 'mark'), col(s, 'index'), col(s, 'oracle'), col(s, 'last_trade')],
      series: [
        { label: 'mark', color: COLORS[0], width: 2 },
        { label: 'index (underlying)', color: COLORS[1] },
        { label: 'oracle (published)', color: COLORS[2], dash: [4, 4], step: 1 },
        { label: 'last trade', color: COLORS[7], width: 1 },
      ],
      bands: bands,
      unit: 'price',
    });
    if (el('c-funding-' + i)) {
      made.funding = C.line(el('c-funding-' + i), {
        name: 'funding-' + i,
        data: [x, scaled(col(s, 'funding_rate'), 100)],
        series: [{ label: 'funding rate estimate %', color: COLORS[3] }],
        bands: bands,
        unit: '% per period',
      });
      var f = m.funding || [];
      made.fundingHistory = C.line(el('c-funding-history-' + i), {
        name: 'funding-history-' + i,
        data: [
          f.map(function (p) {
            return p.end;
          }),
          f.map(function (p) {
            return p.rate === null ? null : p.rate * 100;
          }),
        ],
        series: [{ label: 'rate at the period end %', color: COLORS[4], bars: true }],
        unit: '% per period',
      });
      made.twaps = C.line(el('c-twaps-' + i), {
        name: 'twaps-' + i,
        data: [x, col(s, 'twap_mark'), col(s, 'twap_index')],
        series: [
          { label: 'mark (internal) TWAP', color: COLORS[0], width: 2 },
          { label: 'index (external) TWAP', color: COLORS[1], width: 2 },
        ],
        unit: 'price',
      });
    }
    // spot markets (spec 0080-SPOT) have no open interest and no margin: their cards are left out
    if (el('c-oi-' + i))
      made.oi = C.line(el('c-oi-' + i), {
        name: 'open-interest-' + i,
        data: [x, col(s, 'open_interest')],
        series: [{ label: 'open interest', color: COLORS[4], fill: 'rgba(148,103,189,0.12)' }],
        bands: bands,
        unit: 'contracts',
      });
    made.stake = C.line(el('c-stake-' + i), {
      name: 'stake-' + i,
      data: [x, col(s, 'supplied_stake'), col(s, 'target_stake')],
      series: [
        { label: 'supplied stake', color: COLORS[2], width: 2, step: 1 },
        { label: 'target stake', color: COLORS[3] },
      ],
      unit: 'settlement asset',
    });
    if (el('c-spread-' + i))
      made.spread = C.line(el('c-spread-' + i), {
        name: 'spread-' + i,
        data: [x, col(s, 'spread_bps'), col(s, 'depth_bid_1pct'), col(s, 'depth_ask_1pct')],
        series: [
          { label: 'spread (bps, left)', color: COLORS[0], width: 1.5 },
          { label: 'bid depth (right)', color: COLORS[2], axis: 2 },
          { label: 'ask depth (right)', color: COLORS[3], axis: 2 },
        ],
        unit: 'bps',
        unit2: 'contracts',
      });
    if (el('c-activity-' + i))
      made.activity = C.line(el('c-activity-' + i), {
        name: 'activity-' + i,
        data: [x, col(s, 'trades'), col(s, 'volume')],
        series: [
          { label: 'trades (left)', color: COLORS[0] },
          { label: 'volume (right)', color: COLORS[1], axis: 2 },
        ],
        unit: 'trades',
        unit2: 'contracts',
      });
    if (el('c-margins-' + i))
      made.margins = C.line(el('c-margins-' + i), {
        name: 'margins-' + i,
        data: [x, col(s, 'margin_maintenance'), col(s, 'margin_held'), col(s, 'insurance_pool')],
        series: [
          { label: 'maintenance margin (all parties)', color: COLORS[3] },
          { label: 'margin accounts (all parties)', color: COLORS[0] },
          { label: 'insurance pool', color: COLORS[5], width: 2 },
        ],
        bands: bands,
        unit: 'settlement asset',
      });
    return made;
  }

  /** A chart that shows one of several series sets, chosen with a <select>. */
  function picker(selectEl, options, build) {
    if (!selectEl || !options.length) return null;
    options.forEach(function (o, k) {
      var opt = document.createElement('option');
      opt.value = String(k);
      opt.textContent = o.label;
      selectEl.appendChild(opt);
    });
    var u = build(options[0]);
    selectEl.addEventListener('change', function () {
      u.setData(options[Number(selectEl.value)].data);
    });
    return u;
  }

  function simulation(d) {
    if (d.start !== undefined && d.end !== undefined) C.rangeSelector(el('range'), d.start, d.end);
    d.markets.forEach(function (m, i) {
      marketCharts(m, i);
      ladder(el('ladder-' + i), m.book);
      tape(el('tape-' + i), m.trades);
      C.depth(el('c-depth-' + i), {
        name: 'depth-' + i,
        bids: m.book ? m.book.bids : [],
        asks: m.book ? m.book.asks : [],
        unit: 'contracts',
      });
      var parties = d.agents.filter(function (a) {
        return a.series.time && a.series.time.length;
      });
      picker(
        el('party-' + i),
        parties.map(function (a) {
          var s = a.series;
          return {
            label: a.party + ' (' + a.kind + ')',
            data: [
              s.time,
              col(s, 'maintenance'),
              col(s, 'initial'),
              col(s, 'margin'),
              col(s, 'general'),
              col(s, 'order_margin'),
            ],
          };
        }),
        function (o) {
          return C.line(el('c-party-' + i), {
            name: 'party-margins-' + i,
            data: o.data,
            series: [
              { label: 'maintenance', color: COLORS[3], width: 2 },
              { label: 'initial', color: COLORS[1], dash: [5, 4] },
              { label: 'margin account', color: COLORS[0], width: 2 },
              { label: 'general account (right)', color: COLORS[2], axis: 2 },
              { label: 'order margin', color: COLORS[4] },
            ],
            unit: 'settlement asset',
            unit2: 'general account',
          });
        },
      );
    });
    var mms = d.agents.filter(function (a) {
      return a.kind === 'avellaneda-stoikov';
    });
    var lps = d.agents.filter(function (a) {
      return a.kind === 'liquidity-provider';
    });
    var m0 = d.markets[0];
    if (mms.length) {
      picker(
        el('mm-pick'),
        mms.map(function (a) {
          var s = a.series;
          // the market's mid at the maker's sample times (the market is sampled at least as often)
          var mid = s.time.map(function (t) {
            if (!m0) return null;
            var xs = m0.series.time;
            var lo = 0;
            var hi = xs.length - 1;
            while (lo < hi) {
              var k = (lo + hi + 1) >> 1;
              if (xs[k] <= t) lo = k;
              else hi = k - 1;
            }
            return m0.series.mid ? m0.series.mid[lo] : null;
          });
          return { label: a.party, data: [s.time, col(s, 'bid'), col(s, 'ask'), col(s, 'fair'), mid] };
        }),
        function (o) {
          return C.line(el('c-mm-quotes'), {
            name: 'mm-quotes',
            data: o.data,
            series: [
              { label: 'own best bid', color: '#1a9850', step: 1 },
              { label: 'own best ask', color: '#d73027', step: 1 },
              { label: 'fair price', color: COLORS[0], width: 2 },
              { label: 'market mid', color: '#999', dash: [3, 3], width: 1 },
            ],
            unit: 'price',
          });
        },
      );
      C.line(el('c-mm-inventory'), {
        name: 'mm-inventory',
        data: [mms[0].series.time].concat(
          mms.map(function (a) {
            return col(a.series, 'position');
          }),
        ),
        series: mms.map(function (a, k) {
          return { label: a.party, color: COLORS[k % COLORS.length], step: 1 };
        }),
        unit: 'contracts',
      });
    }
    if (lps.length && el('c-lp-epochs')) {
      var epochs = [];
      lps.forEach(function (a) {
        (a.epochs || []).forEach(function (e) {
          if (epochs.indexOf(e.epoch) < 0) epochs.push(e.epoch);
        });
      });
      epochs.sort(function (a, b) {
        return a - b;
      });
      var pick = function (a, f) {
        return epochs.map(function (ep) {
          var e = (a.epochs || []).filter(function (x) {
            return x.epoch === ep;
          })[0];
          return e ? f(e) : null;
        });
      };
      var ys = [];
      var ss = [];
      lps.forEach(function (a, k) {
        ys.push(
          pick(a, function (e) {
            return e.fees;
          }),
        );
        ss.push({
          label: a.party + ' fees',
          color: COLORS[(2 * k) % COLORS.length],
          points: true,
          pointSize: 9,
          width: 2,
        });
        ys.push(
          pick(a, function (e) {
            return e.penalties === 0 ? 0 : -e.penalties;
          }),
        );
        ss.push({
          label: a.party + ' penalties',
          color: COLORS[(2 * k + 3) % COLORS.length],
          points: true,
          pointSize: 9,
          dash: [4, 3],
        });
      });
      C.line(el('c-lp-epochs'), {
        name: 'lp-epochs',
        time: false,
        xLabel: 'epoch',
        data: [epochs].concat(ys),
        series: ss,
        unit: 'settlement asset',
      });
    }
    var individual = mms.concat(lps);
    var base = d.agents[0];
    if (individual.length)
      C.line(el('c-pnl-individual'), {
        name: 'pnl-individual',
        data: [individual[0].series.time].concat(
          individual.map(function (a) {
            return col(a.series, 'pnl');
          }),
        ),
        series: individual.map(function (a, k) {
          return { label: a.party, color: COLORS[k % COLORS.length] };
        }),
        unit: 'settlement asset',
      });
    var others = d.agents.filter(function (a) {
      return individual.indexOf(a) < 0;
    });
    var kinds = [];
    others.forEach(function (a) {
      if (kinds.indexOf(a.kind) < 0) kinds.push(a.kind);
    });
    if (base && others.length) {
      var n = others[0].series.time.length;
      var sums = kinds.map(function (k) {
        var acc = new Array(n).fill(0);
        others
          .filter(function (a) {
            return a.kind === k;
          })
          .forEach(function (a) {
            var p = col(a.series, 'pnl');
            for (var j = 0; j < n; j++) acc[j] += p[j] || 0;
          });
        return acc;
      });
      C.line(el('c-pnl-kinds'), {
        name: 'pnl-kinds',
        data: [others[0].series.time].concat(sums),
        series: kinds.map(function (k, j) {
          return { label: k, color: COLORS[(j + 3) % COLORS.length] };
        }),
        unit: 'settlement asset',
      });
      C.line(el('c-pnl-all'), {
        name: 'pnl-all',
        data: [others[0].series.time].concat(
          others.map(function (a) {
            return col(a.series, 'pnl');
          }),
        ),
        series: others.map(function (a) {
          return { label: a.party, color: COLORS[(kinds.indexOf(a.kind) + 3) % COLORS.length], width: 1 };
        }),
        legend: false,
        unit: 'settlement asset',
        height: 300,
      });
    }
    if (d.programmes && el('c-programmes')) programmeCharts(d, mms.concat(lps));
    C.seal();
  }

  /** Programmes: each maker's and LP's cumulative programme income by epoch (others summed), rewards vs vested. */
  function programmeCharts(d, individual) {
    var rows = d.programmes;
    var epochs = [];
    rows.forEach(function (r) {
      if (epochs.indexOf(r.epoch) < 0) epochs.push(r.epoch);
    });
    epochs.sort(function (a, b) {
      return a - b;
    });
    var names = individual.map(function (a) {
      return a.party;
    });
    var income = function (r) {
      return r.discounts + r.rebates + r.referralRewards + r.rewards;
    };
    var sumBy = function (keep, f) {
      return epochs.map(function (ep) {
        var s = 0;
        rows.forEach(function (r) {
          if (r.epoch === ep && keep(r)) s += f(r);
        });
        return s;
      });
    };
    var ys = names.map(function (n) {
      return sumBy(function (r) {
        return r.party === n;
      }, income);
    });
    ys.push(
      sumBy(function (r) {
        return names.indexOf(r.party) < 0;
      }, income),
    );
    var ss = names
      .map(function (n, k) {
        return { label: n, color: COLORS[k % COLORS.length], points: true };
      })
      .concat([{ label: 'other agents', color: COLORS[7], points: true, dash: [4, 3] }]);
    C.line(el('c-programmes'), {
      name: 'programmes',
      time: false,
      xLabel: 'epoch',
      data: [epochs].concat(ys),
      series: ss,
      unit: 'settlement asset',
    });
    var all = function () {
      return true;
    };
    C.line(el('c-programmes-vesting'), {
      name: 'programmes-vesting',
      time: false,
      xLabel: 'epoch',
      data: [
        epochs,
        sumBy(all, function (r) {
          return r.rewards;
        }),
        sumBy(all, function (r) {
          return r.vested;
        }),
        sumBy(all, function (r) {
          return r.discounts;
        }),
        sumBy(all, function (r) {
          return r.rebates;
        }),
      ],
      series: [
        { label: 'rewards paid', color: COLORS[0], points: true },
        { label: 'vested', color: COLORS[1], points: true },
        { label: 'discounts', color: COLORS[2], points: true },
        { label: 'rebates', color: COLORS[3], points: true },
      ],
      unit: 'settlement asset',
    });
  }

  /** A sweep: P&L against each swept parameter (a point per run), and by run. */
  function sweep(d) {
    var keys = d.pnlKeys;
    var num = function (v) {
      return typeof v === 'number' && isFinite(v) ? v : null;
    };
    d.params.forEach(function (p, i) {
      var rows = d.rows
        .filter(function (r) {
          return typeof r[p] === 'number';
        })
        .slice()
        .sort(function (a, b) {
          return a[p] - b[p];
        });
      if (!rows.length) {
        el('c-sweep-' + i).innerHTML = '<p class="note">' + esc(p) + ' is not numeric: see the table.</p>';
        return;
      }
      C.line(el('c-sweep-' + i), {
        name: 'sweep-' + i,
        time: false,
        xLabel: p,
        data: [
          rows.map(function (r) {
            return r[p];
          }),
        ].concat(
          keys.map(function (k) {
            return rows.map(function (r) {
              return num(r[k]);
            });
          }),
        ),
        series: keys.map(function (k, j) {
          return { label: k, color: COLORS[j % COLORS.length], points: true, width: 1.5 };
        }),
        unit: 'settlement asset',
      });
    });
    C.line(el('c-sweep-runs'), {
      name: 'sweep-runs',
      time: false,
      xLabel: 'run',
      data: [
        d.rows.map(function (r) {
          return r.run;
        }),
      ].concat(
        keys.map(function (k) {
          return d.rows.map(function (r) {
            return num(r[k]);
          });
        }),
      ),
      series: keys.map(function (k, j) {
        return { label: k, color: COLORS[j % COLORS.length], points: true };
      }),
      unit: 'settlement asset',
    });
    C.seal();
  }

  window.PerpsimDashboard = {
    simulation: simulation,
    sweep: sweep,
    ladder: ladder,
    tape: tape,
    marketCharts: marketCharts,
    picker: picker,
  };
})();

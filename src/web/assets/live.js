/* global window, document, fetch, WebSocket, localStorage, URLSearchParams, PerpsimCharts, PerpsimDashboard */
// The live dashboard's browser side (served by the venue at `/`, see src/web/live.ts): reads the venue's HTTP API for
// the markets, the latest candles, trades and depth, then follows its WebSocket (`/v1/ws`: book, trades and
// marketData channels), reconnecting by itself with a growing delay and resynchronising the book and the tape on
// every reconnect. Series are kept for the last hour of blocks. With a party key (typed into the page, kept in
// localStorage) it also follows that party's margin levels against its balances.
(function () {
  'use strict';
  var C = PerpsimCharts;
  var D = PerpsimDashboard;
  var KEEP = 3600;
  var CANDLE = 60;
  var COLS = [
    'time',
    'mark',
    'index',
    'last_trade',
    'bound_min',
    'bound_max',
    'funding_rate',
    'twap_mark',
    'twap_index',
    'open_interest',
    'target_stake',
    'supplied_stake',
    'mid',
  ];
  var state = {
    market: null,
    series: {},
    candles: [],
    auctions: [],
    fundingHistory: [[], []],
    lastFunding: null,
    book: { bids: [], asks: [] },
    trades: [],
    charts: {},
    bookUpdates: 0,
    party: null,
    partySeries: [[], [], [], [], []],
    quoteSeries: [[], [], [], [], []],
    // time, quote bid, quote ask, fair, reservation, resting bid, resting ask, position
    botSeries: [[], [], [], [], [], [], [], []],
    // time, spread, inventory, funding, fees, total
    pnlSeries: [[], [], [], [], [], []],
    botTime: null,
  };
  COLS.forEach(function (c) {
    state.series[c] = [];
  });

  function el(id) {
    return document.getElementById(id);
  }
  function num(s) {
    if (s === null || s === undefined || s === '') return null;
    var n = Number(s);
    return isFinite(n) ? n : null;
  }
  function nsToS(ns) {
    return Number(BigInt(ns) / 1000000n) / 1000;
  }

  function setStatus(text, ok) {
    var s = el('live-status');
    if (!s) return;
    s.textContent = text;
    s.className = 'status ' + (ok ? 'ok' : 'bad');
  }

  function api(path, key) {
    var headers = key ? { Authorization: 'Bearer ' + key } : {};
    return fetch(path, { headers: headers }).then(function (r) {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.json();
    });
  }

  function levels(ls) {
    return ls.map(function (l) {
      return [Number(l[0]), Number(l[1])];
    });
  }

  // ------------------------------------------------------------------ candles (one a minute, from the trades)

  function candleAt(t) {
    var start = Math.floor(t / CANDLE) * CANDLE;
    var cs = state.candles;
    var last = cs[cs.length - 1];
    if (last && last.t === start) return last;
    if (last && last.t > start) {
      for (var i = cs.length - 1; i >= 0; i--) if (cs[i].t === start) return cs[i];
      return null;
    }
    var c = {
      t: start,
      o: null,
      h: null,
      l: null,
      c: null,
      v: 0,
      mark: last ? last.mark : null,
      lo: last ? last.lo : null,
      hi: last ? last.hi : null,
    };
    cs.push(c);
    if (cs.length > 600) cs.shift();
    return c;
  }

  function addTradeToCandle(t, price, size) {
    var c = candleAt(t);
    if (!c) return;
    if (c.o === null) c.o = c.h = c.l = price;
    if (price > c.h) c.h = price;
    if (price < c.l) c.l = price;
    c.c = price;
    c.v += size;
  }

  function candleData() {
    var cs = state.candles;
    var f = function (k) {
      return cs.map(function (c) {
        return c[k];
      });
    };
    return [f('t'), f('o'), f('h'), f('l'), f('c'), f('v'), f('mark'), f('lo'), f('hi')];
  }

  // ------------------------------------------------------------------ market data (every block)

  function push(col, v) {
    var a = state.series[col];
    a.push(v);
    if (a.length > KEEP) a.shift();
  }

  function onMarketData(d) {
    var t = nsToS(d.timestamp);
    var lo = null;
    var hi = null;
    (d.priceMonitoringBounds || []).forEach(function (b) {
      if (!b.active) return;
      var mn = num(b.minValidPrice);
      var mx = num(b.maxValidPrice);
      if (mn !== null && (lo === null || mn > lo)) lo = mn;
      if (mx !== null && (hi === null || mx < hi)) hi = mx;
    });
    var f = d.funding;
    var mark = num(d.markPrice);
    push('time', t);
    push('mark', mark || null);
    push('index', num(d.indexPrice) || null);
    push('last_trade', num(d.lastTradedPrice) || null);
    push('bound_min', lo);
    push('bound_max', hi);
    push('funding_rate', f && f.estimatedRate !== null ? Number(f.estimatedRate) * 100 : null);
    push('twap_mark', f ? num(f.internalTwap) : null);
    push('twap_index', f ? num(f.externalTwap) : null);
    push('open_interest', num(d.openInterest));
    push('target_stake', num(d.targetStake));
    push('supplied_stake', num(d.suppliedStake));
    push('mid', num(d.midPrice) || null);
    // funding history: the last estimate before each period ended
    if (f) {
      if (state.lastFunding && f.periodSeq !== state.lastFunding.seq && state.lastFunding.rate !== null) {
        state.fundingHistory[0].push(t);
        state.fundingHistory[1].push(state.lastFunding.rate * 100);
      }
      state.lastFunding = { seq: f.periodSeq, rate: f.estimatedRate !== null ? Number(f.estimatedRate) : null };
    }
    // auctions, from the trading mode
    var inAuction = d.tradingMode !== 'CONTINUOUS' && d.tradingMode !== 'TRADING_MODE_CONTINUOUS';
    var open = state.auctions.length && state.auctions[state.auctions.length - 1][1] === null;
    if (inAuction && !open)
      state.auctions.push([d.auctionStart && d.auctionStart !== '0' ? nsToS(d.auctionStart) : t, null]);
    if (!inAuction && open) state.auctions[state.auctions.length - 1][1] = t;
    var c = candleAt(t);
    if (c) {
      c.mark = mark || c.mark;
      c.lo = lo;
      c.hi = hi;
    }
    tilesUpdate(d, lo, hi);
    redraw();
  }

  function tilesUpdate(d, lo, hi) {
    var set = function (id, v) {
      var e = el(id);
      if (e) e.textContent = v;
    };
    var f = d.funding;
    set('t-mark', C.fmt(num(d.markPrice) || null));
    set('t-index', C.fmt(num(d.indexPrice) || null));
    set('t-last', C.fmt(num(d.lastTradedPrice) || null));
    set('t-funding', f && f.estimatedRate !== null ? (Number(f.estimatedRate) * 100).toFixed(4) + '%' : '–');
    set('t-oi', C.fmt(num(d.openInterest)));
    set('t-stake', C.fmt(num(d.suppliedStake), 0) + ' / ' + C.fmt(num(d.targetStake), 0));
    set('t-bounds', lo === null ? '–' : C.fmt(lo) + ' – ' + C.fmt(hi));
    set('t-mode', String(d.tradingMode).replace('TRADING_MODE_', '').toLowerCase().replace(/_/g, ' '));
  }

  var pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      var s = state.series;
      var ch = state.charts;
      var col = function (k) {
        return s[k];
      };
      ch.candles.perpsimSetRaw(candleData());
      C.setData(ch.prices, [
        s.time,
        col('mark'),
        col('index'),
        col('mid'),
        col('last_trade'),
        col('bound_min'),
        col('bound_max'),
      ]);
      C.setData(ch.funding, [s.time, col('funding_rate')]);
      C.setData(ch.fundingHistory, state.fundingHistory);
      C.setData(ch.twaps, [s.time, col('twap_mark'), col('twap_index')]);
      C.setData(ch.oi, [s.time, col('open_interest')]);
      C.setData(ch.stake, [s.time, col('supplied_stake'), col('target_stake')]);
    });
  }

  // ------------------------------------------------------------------ book and trades

  function onBook(d) {
    state.book = { bids: levels(d.bids), asks: levels(d.asks) };
    state.bookUpdates++;
    D.ladder(el('ladder-0'), state.book, 15);
    C.setDepth(state.charts.depth, state.book.bids, state.book.asks);
    document.body.dataset.bookUpdates = String(state.bookUpdates);
  }

  function wireTrade(t) {
    return {
      time: nsToS(t.timestamp),
      price: Number(t.price),
      size: Number(t.size),
      aggressor: t.aggressor === 'none' ? '' : t.aggressor,
    };
  }

  function onTrade(t) {
    var w = wireTrade(t);
    state.trades.unshift(w);
    if (state.trades.length > 200) state.trades.pop();
    addTradeToCandle(w.time, w.price, w.size);
    D.tape(el('tape-0'), state.trades);
  }

  // ------------------------------------------------------------------ the party panel (with a key)

  function partyLoop(key) {
    api('/v1/me', key)
      .then(function (me) {
        state.party = me.party;
        el('party-name').textContent = me.party;
        var tick = function () {
          if (state.partyKey !== key) return;
          Promise.all([
            api('/v1/parties/' + encodeURIComponent(me.party) + '/margins', key),
            api('/v1/parties/' + encodeURIComponent(me.party) + '/accounts', key),
            api(
              '/v1/parties/' +
                encodeURIComponent(me.party) +
                '/orders?live=true&limit=1000&market=' +
                encodeURIComponent(state.market.id),
              key,
            ),
            api('/v1/parties/' + encodeURIComponent(me.party) + '/positions', key),
          ])
            .then(function (r) {
              var m = r[0].filter(function (x) {
                return x.market === state.market.id;
              })[0];
              var bal = function (type) {
                return r[1]
                  .filter(function (a) {
                    return a.type === type && (!a.market || a.market === state.market.id);
                  })
                  .reduce(function (s, a) {
                    return s + Number(a.balance);
                  }, 0);
              };
              var ps = state.partySeries;
              ps[0].push(Date.now() / 1000);
              ps[1].push(m ? Number(m.maintenance) : 0);
              ps[2].push(m ? Number(m.initial) : 0);
              ps[3].push(bal('MARGIN'));
              ps[4].push(bal('GENERAL'));
              if (ps[0].length > KEEP)
                ps.forEach(function (a) {
                  a.shift();
                });
              C.setData(state.charts.party, ps);
              // own best quotes against the market mid, and the position (a bot's key shows the bot)
              var bid = null;
              var ask = null;
              r[2].forEach(function (o) {
                var p = Number(o.price);
                if (!(p > 0)) return;
                if (o.side === 'buy' && (bid === null || p > bid)) bid = p;
                if (o.side === 'sell' && (ask === null || p < ask)) ask = p;
              });
              var pos = r[3].filter(function (x) {
                return x.market === state.market.id;
              })[0];
              var mids = state.series.mid;
              var qs = state.quoteSeries;
              qs[0].push(ps[0][ps[0].length - 1]);
              qs[1].push(bid);
              qs[2].push(ask);
              qs[3].push(mids.length ? mids[mids.length - 1] : null);
              qs[4].push(pos ? Number(pos.openVolume) : 0);
              if (qs[0].length > KEEP)
                qs.forEach(function (a) {
                  a.shift();
                });
              C.setData(state.charts.quotes, qs);
              el('party-accounts').innerHTML =
                '<table class="t"><thead><tr><th class="l">account</th><th class="l">market</th><th>balance</th></tr></thead><tbody>' +
                r[1]
                  .map(function (a) {
                    return (
                      '<tr><td class="l">' +
                      a.type +
                      '</td><td class="l">' +
                      (a.market || '') +
                      '</td><td>' +
                      a.balance +
                      '</td></tr>'
                    );
                  })
                  .join('') +
                '</tbody></table>';
            })
            .catch(function () {})
            .then(function () {
              window.setTimeout(tick, 2000);
            });
        };
        tick();
      })
      .catch(function (e) {
        el('party-name').textContent = 'key refused (' + e.message + ')';
      });
  }

  function setupParty() {
    var input = el('party-key');
    var saved = localStorage.getItem('perpsim.key');
    if (saved) input.value = saved;
    var use = function () {
      var key = input.value.trim();
      state.partyKey = key;
      state.quoteSeries.forEach(function (a) {
        a.length = 0;
      });
      state.partySeries.forEach(function (a) {
        a.length = 0;
      });
      if (!key) return;
      localStorage.setItem('perpsim.key', key);
      partyLoop(key);
    };
    el('party-use').addEventListener('click', use);
    if (saved) use();
  }

  // ------------------------------------------------------------------ the market-making bot (GET /v1/bots)

  function esc(v) {
    return String(v).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  function onBot(b) {
    if (b.time === state.botTime) return;
    state.botTime = b.time;
    var bs = state.botSeries;
    var row = [
      b.time,
      b.quotes.bid,
      b.quotes.ask,
      b.fair,
      b.reservation,
      b.orders.bid ? b.orders.bid.price : null,
      b.orders.ask ? b.orders.ask.price : null,
      b.position,
    ];
    row.forEach(function (v, i) {
      bs[i].push(v);
      if (bs[i].length > KEEP) bs[i].shift();
    });
    var ps = state.pnlSeries;
    var p = b.pnl;
    [b.time, p && p.spread, p && p.inventory, p && p.funding, p && p.fees, p && p.total].forEach(function (v, i) {
      ps[i].push(v === undefined ? null : v);
      if (ps[i].length > KEEP) ps[i].shift();
    });
    C.setData(state.charts.botQuotes, bs);
    C.setData(state.charts.botPnl, ps);
    var cells = [
      ['party', b.party],
      ['market', b.pair || b.market || '–'],
      ['state', b.state + (b.kill ? ' (' + b.kill + ')' : '')],
      ['position / limit', b.position + ' / ' + b.maxPosition],
      ['fair / reservation', (b.fair === null ? '–' : b.fair) + ' / ' + (b.reservation === null ? '–' : b.reservation)],
      ['fills / orders placed', b.fills + ' / ' + b.placed],
    ];
    if (p)
      ['total', 'spread', 'inventory', 'funding', 'fees', 'other'].forEach(function (k) {
        cells.push(['P&L ' + k, p.exact[k]]);
      });
    el('bot-state').innerHTML =
      '<table class="kv" id="bot-table"><tbody>' +
      cells
        .map(function (c) {
          return '<tr><td>' + esc(c[0]) + '</td><td>' + esc(c[1]) + '</td></tr>';
        })
        .join('') +
      '</tbody></table>';
  }

  function botLoop() {
    api('/v1/bots')
      .then(function (bots) {
        var want = new URLSearchParams(window.location.search).get('bot');
        var mine = bots.filter(function (b) {
          return (want ? b.party === want : true) && (!b.market || b.market === state.market.id);
        });
        if (mine.length) onBot(mine[0]);
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(botLoop, 1000);
      });
  }

  // ------------------------------------------------------------------ the WebSocket, reconnecting

  var delay = 500;
  function connect() {
    var proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    var ws = new WebSocket(proto + '//' + window.location.host + '/v1/ws');
    state.ws = ws;
    ws.onopen = function () {
      delay = 500;
      setStatus('live', true);
      document.body.dataset.live = 'connected';
      var m = state.market.id;
      ws.send(JSON.stringify({ op: 'subscribe', channel: 'book', market: m, levels: 50 }));
      ws.send(JSON.stringify({ op: 'subscribe', channel: 'trades', market: m }));
      ws.send(JSON.stringify({ op: 'subscribe', channel: 'marketData', market: m }));
      api('/v1/markets/' + encodeURIComponent(m) + '/trades?limit=100')
        .then(function (ts) {
          state.trades = ts.map(wireTrade);
          D.tape(el('tape-0'), state.trades);
        })
        .catch(function () {});
    };
    ws.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (msg.channel === 'book') onBook(msg.data);
      else if (msg.channel === 'trades') onTrade(msg.data);
      else if (msg.channel === 'marketData') onMarketData(msg.data);
      else if (msg.op === 'hello') el('live-block').textContent = 'block ' + msg.block;
      if (msg.channel === 'marketData')
        el('live-block').textContent = new Date(nsToS(msg.data.timestamp) * 1000).toISOString().slice(11, 19) + ' UTC';
    };
    ws.onclose = function () {
      document.body.dataset.live = 'reconnecting';
      setStatus('reconnecting…', false);
      window.setTimeout(connect, delay);
      delay = Math.min(10000, delay * 2);
    };
    ws.onerror = function () {
      try {
        ws.close();
      } catch {
        /* closed already */
      }
    };
  }

  // ------------------------------------------------------------------ start

  function build() {
    var s = state.series;
    var col = function (k) {
      return s[k];
    };
    var CO = C.COLORS;
    var ch = state.charts;
    ch.candles = C.candles(el('c-candles-0'), {
      name: 'candles-0',
      data: candleData(),
      extra: [
        { label: 'mark', color: 'rgba(31,119,180,0.7)', width: 1 },
        { label: 'lower bound', color: '#999', dash: [5, 4], width: 1, step: 1 },
        { label: 'upper bound', color: '#999', dash: [5, 4], width: 1, step: 1 },
      ],
      bands: state.auctions,
      height: 320,
    });
    ch.prices = C.line(el('c-prices-0'), {
      name: 'prices-0',
      data: [s.time, col('mark'), col('index'), col('mid'), col('last_trade'), col('bound_min'), col('bound_max')],
      series: [
        { label: 'mark', color: CO[0], width: 2 },
        { label: 'index', color: CO[1] },
        { label: 'mid', color: CO[2], width: 1, dash: [3, 3] },
        { label: 'last trade', color: CO[7], width: 1 },
        { label: 'lower bound', color: '#999', dash: [5, 4], width: 1, step: 1 },
        { label: 'upper bound', color: '#999', dash: [5, 4], width: 1, step: 1 },
      ],
      bands: state.auctions,
    });
    ch.depth = C.depth(el('c-depth-0'), { name: 'depth-0', bids: [], asks: [] });
    ch.funding = C.line(el('c-funding-0'), {
      name: 'funding-0',
      data: [s.time, col('funding_rate')],
      series: [{ label: 'funding rate estimate %', color: CO[3] }],
      bands: state.auctions,
    });
    ch.fundingHistory = C.line(el('c-funding-history-0'), {
      name: 'funding-history-0',
      data: state.fundingHistory,
      series: [{ label: 'last estimate of each ended period %', color: CO[4], bars: true }],
    });
    ch.twaps = C.line(el('c-twaps-0'), {
      name: 'twaps-0',
      data: [s.time, col('twap_mark'), col('twap_index')],
      series: [
        { label: 'mark (internal) TWAP', color: CO[0], width: 2 },
        { label: 'index (external) TWAP', color: CO[1], width: 2 },
      ],
    });
    ch.oi = C.line(el('c-oi-0'), {
      name: 'open-interest-0',
      data: [s.time, col('open_interest')],
      series: [{ label: 'open interest', color: CO[4], fill: 'rgba(148,103,189,0.12)' }],
      bands: state.auctions,
    });
    ch.stake = C.line(el('c-stake-0'), {
      name: 'stake-0',
      data: [s.time, col('supplied_stake'), col('target_stake')],
      series: [
        { label: 'supplied stake', color: CO[2], width: 2, step: 1 },
        { label: 'target stake', color: CO[3] },
      ],
    });
    ch.party = C.line(el('c-party'), {
      name: 'party-margins',
      data: state.partySeries,
      series: [
        { label: 'maintenance', color: CO[3], width: 2 },
        { label: 'initial', color: CO[1], dash: [5, 4] },
        { label: 'margin account', color: CO[0], width: 2 },
        { label: 'general account (right)', color: CO[2], axis: 2 },
      ],
      unit: 'settlement asset',
      unit2: 'general account',
    });
    ch.quotes = C.line(el('c-quotes'), {
      name: 'party-quotes',
      data: state.quoteSeries,
      series: [
        { label: 'own best bid', color: '#1a9850', step: 1 },
        { label: 'own best ask', color: '#d73027', step: 1 },
        { label: 'market mid', color: '#999', dash: [3, 3] },
        { label: 'position (right)', color: CO[4], axis: 2, step: 1 },
      ],
      unit: 'price',
      unit2: 'contracts',
    });
    ch.botQuotes = C.line(el('c-bot-quotes'), {
      name: 'bot-quotes',
      data: state.botSeries,
      series: [
        { label: 'bid quote', color: '#1a9850', step: 1 },
        { label: 'ask quote', color: '#d73027', step: 1 },
        { label: 'fair', color: CO[0], width: 2 },
        { label: 'reservation', color: CO[1], dash: [5, 4] },
        { label: 'resting bid', color: '#1a9850', dash: [2, 3], width: 1, step: 1 },
        { label: 'resting ask', color: '#d73027', dash: [2, 3], width: 1, step: 1 },
        { label: 'inventory (right)', color: CO[4], axis: 2, step: 1 },
      ],
      unit: 'price',
      unit2: 'contracts',
    });
    ch.botPnl = C.line(el('c-bot-pnl'), {
      name: 'bot-pnl',
      data: state.pnlSeries,
      series: [
        { label: 'spread', color: CO[2] },
        { label: 'inventory', color: CO[4] },
        { label: 'funding', color: CO[3] },
        { label: 'fees', color: CO[1] },
        { label: 'total', color: CO[0], width: 2 },
      ],
      unit: 'settlement asset',
    });
    window.PerpsimLiveVenue.build();
    C.seal();
  }

  function start() {
    setStatus('connecting…', false);
    api('/v1/markets')
      .then(function (ms) {
        if (!ms.length) throw new Error('the venue has no market');
        var want = new URLSearchParams(window.location.search).get('market');
        var m =
          ms.filter(function (x) {
            return x.id === want || x.code === want;
          })[0] || ms[0];
        state.market = m;
        el('market-name').textContent =
          m.name +
          ' (' +
          m.id +
          ', ' +
          m.product +
          ', settled in ' +
          (m.settlementAsset.length > 16 ? m.settlementAsset.slice(0, 8) + '…' : m.settlementAsset) +
          ')';
        if (!state.charts.candles) {
          build();
          setupParty();
          botLoop();
          window.PerpsimLiveVenue.loop(state, api);
        }
        return Promise.all([
          api('/v1/markets/' + encodeURIComponent(m.id) + '/candles?interval=1m&limit=240'),
          api('/v1/markets/' + encodeURIComponent(m.id) + '/depth?levels=50'),
        ]);
      })
      .then(function (r) {
        r[0]
          .slice()
          .reverse()
          .forEach(function (c) {
            state.candles.push({
              t: nsToS(c.start),
              o: num(c.open),
              h: num(c.high),
              l: num(c.low),
              c: num(c.close),
              v: num(c.volume) || 0,
              mark: null,
              lo: null,
              hi: null,
            });
          });
        onBook(r[1]);
        redraw();
        connect();
      })
      .catch(function (e) {
        setStatus('error: ' + e.message, false);
        window.setTimeout(start, 3000);
      });
  }

  window.PerpsimLive = { state: state };
  start();
})();

/* global window, document, uPlot */
// perpsim's chart runtime for its HTML pages (the dashboard, the simulation report, the liquidity report and the sweep
// page), on uPlot: time-series lines (with a second axis, stepped lines, fills, shaded auction intervals), OHLC
// candles with volume (drawn with uPlot's draw hook), stepped cumulative depth, bars and scatter plots. Every chart
// is kept in PerpsimCharts.instances by name; when every chart made so far has drawn and the page has sealed its set,
// `document.body.dataset.charts` holds their number (the browser tests wait for it). Time charts share a cursor and
// an x range (setRange), which the time-range selector drives.
(function () {
  'use strict';
  var COLORS = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];
  var instances = {};
  var timeCharts = [];
  var created = 0;
  var drawn = 0;
  var sealed = false;
  var range = null;

  function report() {
    if (sealed && drawn >= created) document.body.dataset.charts = String(created);
  }

  function width(el) {
    var w = el.clientWidth || (el.parentNode && el.parentNode.clientWidth) || 600;
    return Math.max(280, Math.floor(w) - 4);
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    if (v === 0) return '0';
    var a = Math.abs(v);
    var d = digits !== undefined ? digits : Number.isInteger(v) || a >= 1000 ? 0 : a >= 10 ? 2 : a >= 1 ? 3 : 5;
    return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  // shaded x intervals ([from, to] in x units) under the series: auctions on time charts
  function shadeHook(getBands, color) {
    return function (u) {
      var bands = getBands();
      if (!bands || !bands.length) return;
      var ctx = u.ctx;
      var top = u.bbox.top;
      var h = u.bbox.height;
      ctx.save();
      ctx.fillStyle = color || 'rgba(255, 165, 0, 0.18)';
      for (var i = 0; i < bands.length; i++) {
        var from = bands[i][0];
        var to = bands[i][1] === null || !isFinite(bands[i][1]) ? u.scales.x.max : bands[i][1];
        if (to < u.scales.x.min || from > u.scales.x.max) continue;
        var x0 = Math.max(u.bbox.left, u.valToPos(from, 'x', true));
        var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(to, 'x', true));
        ctx.fillRect(x0, top, Math.max(2, x1 - x0), h);
      }
      ctx.restore();
    };
  }

  function box(root, spec) {
    var el = document.createElement('div');
    el.className = 'chart';
    if (spec.name) el.dataset.chart = spec.name;
    if (spec.title) {
      var h = document.createElement('h3');
      h.textContent = spec.title;
      if (spec.unit) {
        var s = document.createElement('span');
        s.className = 'unit';
        s.textContent = ' (' + spec.unit + (spec.unit2 ? '; right: ' + spec.unit2 : '') + ')';
        h.appendChild(s);
      }
      el.appendChild(h);
    }
    root.appendChild(el);
    return el;
  }

  // a single x value (one candle, one funding period) gets a window around it rather than uPlot's years
  function xRange(_u, min, max) {
    if (min === null || max === null) return [min, max];
    if (min === max) return [min - 300, max + 300];
    return [min, max];
  }

  // uPlot gives a lone point of a time scale a window of years: a lone row gets empty neighbours five minutes either
  // side, so the chart shows ten minutes around it
  function padSingle(data) {
    if (!data[0] || data[0].length !== 1) return data;
    var x = data[0][0];
    return data.map(function (col, k) {
      return k === 0 ? [x - 300, x, x + 300] : [null, col[0], null];
    });
  }

  /** New data for a time chart (a lone row padded, see padSingle). */
  function setData(u, data) {
    u.setData(padSingle(data));
  }

  function register(spec, u, isTime) {
    created++;
    u.perpsimReady = true;
    instances[spec.name || 'chart' + created] = u;
    if (isTime) {
      timeCharts.push(u);
      if (range) applyRange(u);
    }
    return u;
  }

  function drawnHook(u) {
    if (u.perpsimDrawn) return;
    u.perpsimDrawn = true;
    drawn++;
    report();
  }

  function seriesOpts(s) {
    var o = {
      label: s.label,
      stroke: s.color,
      width: s.width || 1.5,
      scale: s.axis === 2 ? 'y2' : 'y',
      spanGaps: !!s.spanGaps,
      points: { show: !!s.points, size: s.pointSize || 6, fill: s.color },
      value: function (_u, v) {
        return fmt(v);
      },
    };
    if (s.dash) o.dash = s.dash;
    if (s.fill) o.fill = s.fill;
    if (s.step) o.paths = uPlot.paths.stepped({ align: s.step });
    if (s.bars) {
      o.paths = uPlot.paths.bars({ size: [0.7, 60] });
      o.fill = s.fill || s.color;
      o.points = { show: false };
    }
    if (s.scatter) {
      o.paths = function () {
        return null;
      };
      o.points = { show: true, size: 7, fill: s.color, stroke: s.color };
    }
    return o;
  }

  /**
   * A line chart. spec: { name, title, unit, unit2, time (default true), xLabel, height, legend, data: [x, ...ys],
   * series: [{ label, color, width, dash, axis: 2, step: 1 | -1, fill, bars, scatter, points }], bands: [[from, to]] }
   */
  function line(root, spec) {
    var el = box(root, spec);
    var time = spec.time !== false;
    var axes = [
      { label: spec.xLabel, grid: { stroke: '#eee' } },
      { scale: 'y', size: 72, grid: { stroke: '#eee' } },
    ];
    if (spec.unit2) axes.push({ scale: 'y2', side: 1, size: 72, grid: { show: false } });
    var y2 = spec.y2Range ? { range: spec.y2Range } : {};
    var yScale = spec.yRange ? { range: spec.yRange } : {};
    var opts = {
      width: width(el),
      height: spec.height || 240,
      series: [
        {
          label: spec.xLabel || (time ? 'time' : 'x'),
          value: time
            ? '{YYYY}-{MM}-{DD} {HH}:{mm}'
            : function (_u, v) {
                return fmt(v);
              },
        },
      ].concat(spec.series.map(seriesOpts)),
      scales: { x: time ? { time: true, range: xRange } : { time: false }, y: yScale, y2: y2 },
      axes: axes,
      legend: { show: spec.legend !== false, live: true },
      cursor: time ? { sync: { key: 'perpsim-time' }, drag: { x: true, y: false, setScale: false } } : {},
      hooks: {
        drawAxes: [
          shadeHook(function () {
            return spec.bands;
          }),
        ],
        draw: [drawnHook],
        setSelect: time ? [selectHook] : [],
      },
    };
    var u = new uPlot(opts, time ? padSingle(spec.data) : spec.data, el);
    u.perpsimSpec = spec;
    return register(spec, u, time);
  }

  /**
   * Candles with volume. spec: { name, title, unit, data: [x, open, high, low, close, volume, ...extra lines],
   * extra: [{ label, color, dash, step }] (e.g. mark, price-monitoring bounds), bands: [[from, to]] (auctions) }
   */
  function candles(root, spec) {
    var el = box(root, spec);
    var hidden = function () {
      return null;
    };
    var ohlc = ['open', 'high', 'low', 'close'].map(function (l) {
      return {
        label: l,
        stroke: '#555',
        paths: hidden,
        points: { show: false },
        value: function (_u, v) {
          return fmt(v);
        },
      };
    });
    var vol = {
      label: 'volume',
      scale: 'vol',
      stroke: 'rgba(31,119,180,0.55)',
      fill: 'rgba(31,119,180,0.35)',
      paths: uPlot.paths.bars({ size: [0.7, 40] }),
      points: { show: false },
      value: function (_u, v) {
        return fmt(v, 0);
      },
    };
    var extra = (spec.extra || []).map(seriesOpts);
    function drawCandles(u) {
      var d = u.data;
      var ctx = u.ctx;
      var i0 = u.series[0].idxs ? u.series[0].idxs[0] : 0;
      var i1 = u.series[0].idxs ? u.series[0].idxs[1] : d[0].length - 1;
      var n = Math.max(1, i1 - i0 + 1);
      var bw = Math.max(1, Math.min(14, (u.bbox.width / n) * 0.7));
      ctx.save();
      for (var i = i0; i <= i1; i++) {
        var o = d[1][i],
          h = d[2][i],
          l = d[3][i],
          c = d[4][i];
        if (o === null || c === null || h === null || l === null) continue;
        var x = u.valToPos(d[0][i], 'x', true);
        var up = c >= o;
        ctx.strokeStyle = ctx.fillStyle = up ? '#1a9850' : '#d73027';
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x, u.valToPos(h, 'y', true));
        ctx.lineTo(x, u.valToPos(l, 'y', true));
        ctx.stroke();
        var yo = u.valToPos(o, 'y', true);
        var yc = u.valToPos(c, 'y', true);
        ctx.fillRect(x - bw / 2, Math.min(yo, yc), bw, Math.max(1, Math.abs(yc - yo)));
      }
      ctx.restore();
    }
    var opts = {
      width: width(el),
      height: spec.height || 320,
      series: [{ label: 'time', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' }].concat(ohlc, [vol], extra),
      scales: {
        x: { time: true, range: xRange },
        y: {},
        // volume bars use the lower quarter of the plot
        vol: {
          range: function (_u, _min, max) {
            return [0, Math.max(1, max) * 4];
          },
        },
      },
      axes: [
        { grid: { stroke: '#eee' } },
        { scale: 'y', size: 72, grid: { stroke: '#eee' } },
        { scale: 'vol', side: 1, size: 60, grid: { show: false } },
      ],
      legend: { show: true, live: true },
      cursor: { sync: { key: 'perpsim-time' }, drag: { x: true, y: false, setScale: false } },
      hooks: {
        drawAxes: [
          shadeHook(function () {
            return spec.bands;
          }),
        ],
        draw: [drawCandles, drawnHook],
        setSelect: [selectHook],
      },
    };
    var raw = spec.data;
    var u = new uPlot(opts, padSingle(bucketOhlc(raw, null, spec.candles || 150)), el);
    u.perpsimSpec = spec;
    u.perpsimSetRange = function (r) {
      u.setData(padSingle(bucketOhlc(raw, r, spec.candles || 150)));
    };
    u.perpsimSetRaw = function (data) {
      raw = data;
      u.setData(padSingle(bucketOhlc(raw, range, spec.candles || 150)));
    };
    return register(spec, u, true);
  }

  /**
   * OHLC rows [x, open, high, low, close, volume, ...lines] merged into at most n candles over the range [min, max]
   * (null: all): the first open, the highest high, the lowest low, the last close, the summed volume, and each
   * line's last value; a candle sits at its first row's time.
   */
  function bucketOhlc(d, r, n) {
    var xs = d[0];
    var i0 = 0;
    var i1 = xs.length;
    if (r) {
      while (i0 < i1 && xs[i0] < r[0]) i0++;
      while (i1 > i0 && xs[i1 - 1] > r[1]) i1--;
    }
    var step = Math.max(1, Math.ceil((i1 - i0) / n));
    var out = d.map(function () {
      return [];
    });
    for (var i = i0; i < i1; i += step) {
      var j1 = Math.min(i1, i + step);
      var o = null,
        h = null,
        l = null,
        c = null,
        v = 0;
      for (var j = i; j < j1; j++) {
        if (o === null && d[1][j] !== null) o = d[1][j];
        if (d[2][j] !== null && (h === null || d[2][j] > h)) h = d[2][j];
        if (d[3][j] !== null && (l === null || d[3][j] < l)) l = d[3][j];
        if (d[4][j] !== null) c = d[4][j];
        v += d[5][j] || 0;
      }
      out[0].push(xs[i]);
      out[1].push(o);
      out[2].push(h);
      out[3].push(l);
      out[4].push(c);
      out[5].push(v);
      for (var k = 6; k < d.length; k++) out[k].push(d[k][j1 - 1]);
    }
    return out;
  }

  /** Cumulative depth for a chart: x every level's price ascending; bids Σ size at ≥ x, asks Σ size at ≤ x. */
  function depthData(bids, asks) {
    var xs = bids
      .map(function (l) {
        return l[0];
      })
      .concat(
        asks.map(function (l) {
          return l[0];
        }),
      );
    xs = xs
      .filter(function (v, i) {
        return xs.indexOf(v) === i;
      })
      .sort(function (a, b) {
        return a - b;
      });
    var bestBid = bids.length
      ? Math.max.apply(
          null,
          bids.map(function (l) {
            return l[0];
          }),
        )
      : -Infinity;
    var bestAsk = asks.length
      ? Math.min.apply(
          null,
          asks.map(function (l) {
            return l[0];
          }),
        )
      : Infinity;
    var b = xs.map(function (x) {
      if (x > bestBid) return null;
      var s = 0;
      for (var i = 0; i < bids.length; i++) if (bids[i][0] >= x) s += bids[i][1];
      return s;
    });
    var a = xs.map(function (x) {
      if (x < bestAsk) return null;
      var s = 0;
      for (var i = 0; i < asks.length; i++) if (asks[i][0] <= x) s += asks[i][1];
      return s;
    });
    return [xs, b, a];
  }

  /** A stepped cumulative depth chart. spec: { name, title, unit, bids: [[price, size]], asks: [[price, size]] } */
  function depth(root, spec) {
    var el = box(root, spec);
    var opts = {
      width: width(el),
      height: spec.height || 240,
      series: [
        {
          label: 'price',
          value: function (_u, v) {
            return fmt(v);
          },
        },
        {
          label: 'bids (cumulative)',
          stroke: '#1a9850',
          fill: 'rgba(26,152,80,0.18)',
          width: 1.5,
          paths: uPlot.paths.stepped({ align: -1 }),
          points: { show: false },
          value: function (_u, v) {
            return fmt(v);
          },
        },
        {
          label: 'asks (cumulative)',
          stroke: '#d73027',
          fill: 'rgba(215,48,39,0.18)',
          width: 1.5,
          paths: uPlot.paths.stepped({ align: 1 }),
          points: { show: false },
          value: function (_u, v) {
            return fmt(v);
          },
        },
      ],
      scales: {
        x: { time: false },
        y: {
          range: function (_u, _min, max) {
            return [0, Math.max(1, max) * 1.05];
          },
        },
      },
      axes: [{ grid: { stroke: '#eee' } }, { size: 72, grid: { stroke: '#eee' } }],
      legend: { show: true, live: true },
      hooks: { draw: [drawnHook] },
    };
    var u = new uPlot(opts, depthData(spec.bids || [], spec.asks || []), el);
    u.perpsimSpec = spec;
    return register(spec, u, false);
  }

  function setDepth(u, bids, asks) {
    u.setData(depthData(bids, asks));
  }

  var onRange = null;

  // a drag across one time chart sets the range of all of them (uPlot's own zoom is off: the selection is read here)
  function selectHook(u) {
    var w = u.select.width;
    if (!(w > 4)) return;
    var min = u.posToVal(u.select.left, 'x');
    var max = u.posToVal(u.select.left + w, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    setRange(min, max);
  }

  function applyRange(u) {
    if (u.perpsimSetRange) return u.perpsimSetRange(range);
    if (range) u.setScale('x', { min: range[0], max: range[1] });
    else {
      var xs = u.data[0];
      if (xs.length) u.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
    }
  }

  /** Sets the x range of every time chart (null: the whole series). */
  function setRange(min, max) {
    range = min === null || min === undefined ? null : [min, max];
    timeCharts.forEach(applyRange);
    if (onRange) onRange(range ? range[0] : null, range ? range[1] : null);
  }

  /**
   * The time-range selector: buttons for the whole run and its last day, six hours and hour (of [t0, t1], unix
   * seconds); a drag across any time chart zooms them all. The label shows the range in UTC.
   */
  function rangeSelector(root, t0, t1) {
    var bar = document.createElement('div');
    bar.className = 'range';
    var label = document.createElement('span');
    label.className = 'range-label';
    var presets = [
      ['all', null],
      ['last day', 86400],
      ['last 6 h', 21600],
      ['last hour', 3600],
    ];
    presets.forEach(function (p) {
      if (p[1] !== null && p[1] >= t1 - t0) return;
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = p[0];
      b.addEventListener('click', function () {
        if (p[1] === null) setRange(null);
        else setRange(t1 - p[1], t1);
      });
      bar.appendChild(b);
    });
    bar.appendChild(label);
    var iso = function (t) {
      return new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
    };
    onRange = function (min, max) {
      label.textContent =
        min === null
          ? iso(t0) + ' – ' + iso(t1) + ' UTC (drag across a chart to zoom)'
          : iso(min) + ' – ' + iso(max) + ' UTC';
    };
    onRange(null);
    root.appendChild(bar);
    return bar;
  }

  function seal() {
    sealed = true;
    report();
  }

  function resizeAll() {
    Object.keys(instances).forEach(function (k) {
      var u = instances[k];
      var el = u.root.parentNode;
      if (el) u.setSize({ width: width(el), height: u.height });
    });
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    if (resizeTimer) window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(resizeAll, 150);
  });

  window.PerpsimCharts = {
    COLORS: COLORS,
    instances: instances,
    line: line,
    candles: candles,
    depth: depth,
    depthData: depthData,
    bucketOhlc: bucketOhlc,
    setDepth: setDepth,
    setRange: setRange,
    setData: setData,
    rangeSelector: rangeSelector,
    seal: seal,
    fmt: fmt,
  };
})();

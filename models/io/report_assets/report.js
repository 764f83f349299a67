// capsim report: draws the embedded results (the JSON of run, compare, staff and schedule;
// a sweep's tidy rows) with Chart.js. Every number shown is one the result documents hold
// (the cost of all pools is the sum of the pools' cost, per replication); nothing here
// defines a KPI. Data reach the page as text only (textContent), never as markup.
(function () {
  'use strict';
  const results = JSON.parse(document.getElementById('capsim-data').textContent);
  const root = document.getElementById('report');
  root.textContent = '';
  const charts = [];
  // Okabe-Ito: distinguishable with every common colour-vision deficiency.
  const palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
  const colour = (i) => palette[i % palette.length];
  const fade = (hex, alpha) => {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  // --- building blocks -------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }
  const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
  const group = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  function fmt(x, unit) {
    if (!isNum(x)) return '–';
    switch (unit) {
      case 'fraction': return (100 * x).toFixed(Math.abs(x) < 0.001 && x !== 0 ? 3 : 1) + '%';
      case 'seconds': return Math.abs(x) >= 600 ? (x / 60).toFixed(1) + ' min' : x.toFixed(1) + ' s';
      case 'hours': return x.toFixed(2) + ' h';
      case 'money': return group.format(x);
      case 'count': return Math.abs(x) >= 100 ? group.format(x) : x.toFixed(1);
      case 'agents': return x.toFixed(1);
      default: return Math.abs(x) >= 1000 ? group.format(x) : x.toPrecision(3);
    }
  }
  const unitLabel = { fraction: '%', seconds: 's', hours: 'h', money: 'currency', count: 'per replication',
                      agents: 'agents', number: '', plain: '' };
  const axisTitle = (text, unit) => (unitLabel[unit] ? `${text} (${unitLabel[unit]})` : text);
  // Fractions are drawn in percent.
  const scaled = (x, unit) => (isNum(x) ? (unit === 'fraction' ? 100 * x : x) : null);

  function table(head, rows, classOf) {
    const thead = el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h }))));
    const tbody = el('tbody');
    rows.forEach((row, r) => tbody.append(el('tr', {}, ...row.map((cell, c) => {
      const td = el(c === 0 ? 'th' : 'td', { text: cell });
      if (c === 0) td.setAttribute('scope', 'row');
      const extra = classOf ? classOf(r, c) : '';
      if (extra) td.className = extra;
      return td;
    }))));
    return el('div', { class: 'scroll' }, el('table', {}, thead, tbody));
  }
  // A chart in a figure: title, caption, the canvas (an image with its title for screen
  // readers) and the data behind it as a table.
  function figure(title, caption, config, head, rows, tall) {
    const canvas = el('canvas', { role: 'img', 'aria-label': title });
    const fig = el('figure', {}, el('h3', { text: title }), caption ? el('figcaption', { text: caption }) : null,
                   el('div', { class: tall ? 'plot tall' : 'plot' }, canvas));
    if (head) fig.append(el('details', {}, el('summary', { text: 'Data table' }), table(head, rows)));
    fig.pendingChart = () => charts.push(new Chart(canvas, config));
    return fig;
  }
  function section(title, lead) {
    const s = el('section', {}, el('h2', { text: title }));
    if (lead) s.append(el('p', { class: 'lead', text: lead }));
    root.append(s);
    return s;
  }
  function grid(parent, figures, wide) {
    const box = el('div', { class: wide ? 'charts wide' : 'charts' }, ...figures);
    parent.append(box);
    figures.forEach((f) => f.pendingChart());
    return box;
  }
  function axes(xTitle, yTitle, extra) {
    return Object.assign({
      x: { title: { display: true, text: xTitle } },
      y: { title: { display: true, text: yTitle }, beginAtZero: true },
    }, extra || {});
  }
  // A mean with its 95% CI as a band: [low, high, mean] datasets.
  function band(label, colourHex, means, lows, highs, unit, stepped) {
    return [
      { label: `${label} 95% CI low`, data: lows.map((x) => scaled(x, unit)), borderWidth: 0, pointRadius: 0,
        fill: false, stepped, ci: true },
      { label: `${label} 95% CI`, data: highs.map((x) => scaled(x, unit)), borderWidth: 0, pointRadius: 0,
        backgroundColor: fade(colourHex, 0.18), fill: '-1', stepped, ci: true },
      { label, data: means.map((x) => scaled(x, unit)), borderColor: colourHex, backgroundColor: colourHex,
        pointRadius: 0, borderWidth: 2, fill: false, stepped },
    ];
  }
  const legendWithoutBands = { labels: { filter: (item, data) => !data.datasets[item.datasetIndex].ci } };
  function histogram(values, bins) {
    const xs = values.filter(isNum);
    if (xs.length === 0) return null;
    const lo = Math.min(...xs), hi = Math.max(...xs);
    const count = Math.max(1, Math.min(bins || Math.ceil(Math.sqrt(xs.length)) + 1, 30));
    const width = hi > lo ? (hi - lo) / count : 1;
    const counts = new Array(count).fill(0);
    for (const x of xs) counts[Math.min(count - 1, Math.floor((x - lo) / width))]++;
    return counts.map((n, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, n }));
  }
  function histogramFigure(title, caption, values, unit, target) {
    const bins = histogram(values);
    if (!bins) return null;
    const centres = bins.map((b) => scaled((b.from + b.to) / 2, unit));
    const datasets = [{ type: 'bar', label: 'replications', data: bins.map((b, i) => ({ x: centres[i], y: b.n })),
                        backgroundColor: fade(palette[0], 0.7), barPercentage: 1, categoryPercentage: 1 }];
    if (isNum(target))
      datasets.push({ type: 'line', label: 'target', data: [{ x: scaled(target, unit), y: 0 },
                      { x: scaled(target, unit), y: Math.max(...bins.map((b) => b.n)) }],
                      borderColor: '#B42318', borderDash: [6, 4], pointRadius: 0, borderWidth: 2 });
    const config = { data: { datasets }, options: {
      scales: axes(axisTitle(title, unit), 'replications', {
        x: { type: 'linear', title: { display: true, text: axisTitle(title, unit) },
             suggestedMin: isNum(target) ? scaled(target, unit) : undefined,
             suggestedMax: isNum(target) ? scaled(target, unit) : undefined } }),
      plugins: { legend: { display: isNum(target) } } } };
    return figure(`Distribution of ${title}`, caption, config, ['from', 'to', 'replications'],
                  bins.map((b) => [fmt(b.from, unit), fmt(b.to, unit), String(b.n)]));
  }
  function card(label, value, detail, verdict) {
    const c = el('div', { class: 'card' + (verdict === true ? ' met' : verdict === false ? ' missed' : '') },
                 el('div', { class: 'label', text: label }), el('div', { class: 'value', text: value }));
    if (detail) c.append(el('div', { class: 'detail', text: detail }));
    if (verdict !== undefined && verdict !== null)
      c.append(el('div', { class: 'verdict', text: verdict ? 'target met' : 'target missed' }));
    return c;
  }
  const ci = (s, unit) => (s && s.ci95 ? `95% CI ${fmt(s.ci95[0], unit)} – ${fmt(s.ci95[1], unit)}` : '');

  // --- staffing requirements from a staff or schedule result --------------------------
  const plans = results.filter((r) => r.kind === 'staff' || r.kind === 'schedule');
  function requiredFor(pool, intervals) {
    for (const plan of plans) {
      const ivs = plan.data.intervals;
      if (ivs.length === intervals && ivs.every((iv) => iv.pools && iv.pools[pool]))
        return { origin: plan.origin, values: ivs.map((iv) => iv.pools[pool].required) };
    }
    return null;
  }

  // --- a run ------------------------------------------------------------------------
  function runSection(result) {
    const d = result.data;
    const s = section('Headline figures', `${d.scenario}: ${d.replications} replications, seed ${d.seed} · ` +
      `${result.origin}`);
    const info = d.kpi_info || {};
    const unitOf = (kpi) => (info[kpi] ? info[kpi].unit : 'plain');
    const slaNames = Object.keys(d.slas || {});
    const poolNames = Object.keys(d.pools || {});
    const replications = d.replications;

    // Headline cards.
    const cards = el('div', { class: 'cards' });
    for (const name of slaNames) {
      const sla = d.slas[name];
      const met = isNum(sla.ci95 && sla.ci95[0]) ? sla.ci95[0] >= sla.target : null;
      cards.append(card(`SLA ${name} (target ${fmt(sla.target, 'fraction')})`, fmt(sla.mean, 'fraction'),
                        `${ci(sla, 'fraction')}; missed on ${fmt(sla.risk, 'fraction')} of days ` +
                        `(${sla.misses} of ${sla.n})`, met));
    }
    const k = d.kpis;
    cards.append(card('Abandonment', fmt(k.abandon_rate.mean, 'fraction'), ci(k.abandon_rate, 'fraction')));
    cards.append(card('ASA (mean wait of answered)', fmt(k.wait_mean.mean, 'seconds'), ci(k.wait_mean, 'seconds')));
    const poolCost = poolNames.map((p) => d.pools[p].kpis.cost);
    const totalCost = poolCost.reduce((a, c) => a + (isNum(c.mean) ? c.mean : 0), 0);
    cards.append(card('Cost (all pools, per replication)', fmt(totalCost, 'money'),
                      poolNames.map((p, i) => `${p} ${fmt(poolCost[i].mean, 'money')}`).join(' · ')));
    s.append(cards);

    // Per interval.
    const ivs = d.intervals || [];
    if (ivs.length > 0) {
      const labels = ivs.map((iv) => iv.start);
      const series = (kpi, field) => ivs.map((iv) => (iv.kpis[kpi] ? iv.kpis[kpi][field] : null));
      const ciSide = (kpi, side) => ivs.map((iv) => (iv.kpis[kpi] && iv.kpis[kpi].ci95 ? iv.kpis[kpi].ci95[side] : null));
      const intervalTable = (columns) => [['interval', ...columns.map((c) => c[0])],
        ivs.map((iv, i) => [iv.start, ...columns.map((c) => fmt(c[1][i], c[2]))])];
      const s2 = el('section', {}, el('h2', { text: 'By interval' }),
                    el('p', { class: 'lead', text: 'Each customer counts in the interval it arrived in; bands are 95% ' +
                      'confidence intervals of the mean over replications.' }));
      s.append(s2);
      const figs = [];
      const flows = [['offered', 0], ['served', 2], ['abandoned', 3]];
      const [h1, r1] = intervalTable(flows.map(([kpi]) => [kpi, series(kpi, 'mean'), 'count']));
      figs.push(figure('Customers per interval', 'offered, served and abandoned (mean per replication)', {
        type: 'line', data: { labels, datasets: flows.map(([kpi, c]) => ({ label: kpi, data: series(kpi, 'mean'),
          borderColor: colour(c), backgroundColor: colour(c), pointRadius: 0, borderWidth: 2 })) },
        options: { scales: axes('interval start', 'customers per replication'), interaction: { mode: 'index', intersect: false } },
      }, h1, r1));
      slaNames.forEach((name, i) => {
        const kpi = `service_level.${name}`;
        const target = d.slas[name].target;
        const sets = band(name, colour(i), series(kpi, 'mean'), ciSide(kpi, 0), ciSide(kpi, 1), 'fraction');
        sets.push({ label: 'target', data: labels.map(() => 100 * target), borderColor: '#B42318', borderDash: [6, 4],
                    pointRadius: 0, borderWidth: 1.5, fill: false });
        const [h, r] = intervalTable([['attained', series(kpi, 'mean'), 'fraction'], ['CI low', ciSide(kpi, 0), 'fraction'],
                                      ['CI high', ciSide(kpi, 1), 'fraction']]);
        figs.push(figure(`Service level ${name}`, `share within the SLA's threshold; target ${fmt(target, 'fraction')}`, {
          type: 'line', data: { labels, datasets: sets },
          options: { scales: axes('interval start', 'attained (%)', { y: { title: { display: true, text: 'attained (%)' },
            min: 0, max: 100 } }), plugins: { legend: legendWithoutBands } },
        }, h, r));
      });
      {
        const sets = band('ASA', colour(0), series('asa', 'mean'), ciSide('asa', 0), ciSide('asa', 1), 'seconds');
        const [h, r] = intervalTable([['ASA', series('asa', 'mean'), 'seconds'], ['CI low', ciSide('asa', 0), 'seconds'],
                                      ['CI high', ciSide('asa', 1), 'seconds']]);
        figs.push(figure('Average speed of answer', 'mean wait of the answered customers who arrived in the interval', {
          type: 'line', data: { labels, datasets: sets },
          options: { scales: axes('interval start', 'ASA (s)'), plugins: { legend: legendWithoutBands } },
        }, h, r));
      }
      poolNames.forEach((pool) => {
        const scheduled = series(`scheduled.${pool}`, 'mean');
        const available = series(`available.${pool}`, 'mean');
        const required = requiredFor(pool, ivs.length);
        const sets = [
          { label: 'scheduled', data: scheduled, borderColor: colour(0), backgroundColor: colour(0), stepped: 'before' },
          { label: 'available', data: available, borderColor: colour(2), backgroundColor: colour(2), stepped: 'before' },
        ];
        const columns = [['scheduled', scheduled, 'agents'], ['available', available, 'agents']];
        if (required) {
          sets.push({ label: 'required', data: required.values, borderColor: '#B42318', backgroundColor: '#B42318',
                      borderDash: [6, 4], stepped: 'before' });
          columns.push(['required', required.values, 'agents']);
        }
        sets.forEach((x) => Object.assign(x, { pointRadius: 0, borderWidth: 2, fill: false }));
        const [h, r] = intervalTable(columns);
        figs.push(figure(`Agents in ${pool}`, required ? `time-average per interval; required from ${required.origin}`
                                                       : 'time-average per interval (present on shift; not on a break)', {
          type: 'line', data: { labels, datasets: sets },
          options: { scales: axes('interval start', 'agents'), interaction: { mode: 'index', intersect: false } },
        }, h, r));
      });
      {
        const sets = poolNames.map((pool, i) => ({ label: pool, data: series(`occupancy.${pool}`, 'mean').map((x) => scaled(x, 'fraction')),
          borderColor: colour(i), backgroundColor: colour(i), pointRadius: 0, borderWidth: 2 }));
        const [h, r] = intervalTable(poolNames.map((pool) => [pool, series(`occupancy.${pool}`, 'mean'), 'fraction']));
        figs.push(figure('Occupancy per pool', 'busy / available agents', {
          type: 'line', data: { labels, datasets: sets },
          options: { scales: axes('interval start', 'occupancy (%)', { y: { title: { display: true, text: 'occupancy (%)' },
            min: 0, max: 100 } }), interaction: { mode: 'index', intersect: false } },
        }, h, r));
      }
      grid(s2, figs);
    }

    // Distributions across replications.
    const s3 = el('section', {}, el('h2', { text: 'Distributions across replications' }),
                  el('p', { class: 'lead', text: 'Each replication is one simulated day (or horizon): how the KPI varies ' +
                    'from day to day, not only its mean.' }));
    s.append(s3);
    const hasValues = slaNames.length > 0 ? Array.isArray(d.slas[slaNames[0]].values) : poolNames.length > 0 &&
                      Array.isArray(d.pools[poolNames[0]].kpis.cost.values);
    if (!hasValues) {
      s3.append(el('p', { class: 'note', text: 'This result has no per-replication values: make it with ' +
        'capsim run --format html, or --format json --replication-values, to see the distributions.' }));
    } else {
      const figs = [];
      for (const name of slaNames) {
        const sla = d.slas[name];
        const f = histogramFigure(`attainment of ${name}`, `target ${fmt(sla.target, 'fraction')} (dashed); missed on ` +
                                  `${sla.misses} of ${sla.n} replications`, sla.values, 'fraction', sla.target);
        if (f) figs.push(f);
      }
      if (poolNames.length > 0 && Array.isArray(poolCost[0].values)) {
        const totals = [];
        for (let r = 0; r < replications; ++r) {
          let sum = 0;
          for (const c of poolCost) sum += isNum(c.values[r]) ? c.values[r] : 0;
          totals.push(sum);
        }
        const f = histogramFigure('cost of all pools', 'the sum of the pools\' cost in each replication', totals, 'money');
        if (f) figs.push(f);
      }
      grid(s3, figs);
    }
    return s;
  }

  // --- a comparison -------------------------------------------------------------------
  function compareSection(result) {
    const d = result.data;
    const s = section(`Comparison with ${d.base.scenario}`, `${d.replications} replications, seed ${d.seed}, ` +
      `${d.paired ? 'paired (common random numbers)' : 'independent (Welch)'} · ${result.origin}`);
    const interesting = (k) => k.scope === 'overall' || (k.scope === 'sla' && k.kpi === 'attained') ||
                               (k.scope === 'pool' && (k.kpi === 'cost' || k.kpi === 'occupancy'));
    const rows = [];
    const labels = [];
    const points = [];
    const bars = [];
    d.variants.forEach((v) => {
      v.kpis.filter(interesting).forEach((k) => {
        const name = k.scope === 'overall' ? k.kpi : `${k.scope} ${k.name} ${k.kpi}`;
        const unit = d.kpi_info && d.kpi_info[k.kpi] ? d.kpi_info[k.kpi].unit : (k.scope === 'sla' ? 'fraction' : 'plain');
        const diff = k.difference;
        rows.push([`${v.name}: ${name}`, fmt(k.base.mean, unit), fmt(k.variant.mean, unit), fmt(diff.mean, unit),
                   diff.ci95 ? `${fmt(diff.ci95[0], unit)} – ${fmt(diff.ci95[1], unit)}` : '–',
                   diff.significant ? 'yes' : 'no']);
        const base = Math.abs(k.base.mean);
        if (isNum(base) && base > 0 && diff.ci95 && isNum(diff.ci95[0]) && isNum(diff.ci95[1])) {
          labels.push(`${v.name}: ${name}`);
          points.push(100 * diff.mean / base);
          bars.push([100 * diff.ci95[0] / base, 100 * diff.ci95[1] / base]);
        }
      });
    });
    const fig = figure('Differences to the base, with 95% CIs',
      'each variant minus the base, in percent of the base mean; a bar that crosses 0 is not significant', {
        data: { labels, datasets: [
          { type: 'bar', label: '95% CI of the difference', data: bars, backgroundColor: fade(palette[0], 0.35),
            borderColor: palette[0], borderWidth: 1, barPercentage: 0.5 },
          { type: 'line', label: 'difference', data: points, showLine: false, pointRadius: 4,
            borderColor: '#000', backgroundColor: '#000' }] },
        options: { indexAxis: 'y', scales: {
          x: { title: { display: true, text: 'difference (% of the base mean)' },
               grid: { color: (c) => (c.tick && c.tick.value === 0 ? '#333' : '#e5e7eb') } },
          y: { ticks: { autoSkip: false } } } },
      }, ['variant: KPI', 'base', 'variant', 'difference', '95% CI', 'significant'], rows, true);
    fig.querySelector('.plot').style.height = `${Math.max(280, 22 * labels.length + 80)}px`;
    grid(s, [fig], true);
    return s;
  }

  // --- a staffing plan ----------------------------------------------------------------
  function planSection(result) {
    const d = result.data;
    const isSchedule = result.kind === 'schedule';
    const s = section(isSchedule ? 'Roster (capsim schedule)' : 'Staffing requirement (capsim staff)',
      `${d.evaluations} evaluations at ${fmt(d.confidence, 'fraction')} confidence · ${result.origin}`);
    const cards = el('div', { class: 'cards' });
    for (const [pool, t] of Object.entries(d.totals || {})) {
      if (isSchedule)
        cards.append(card(`${pool}: roster`, `${t.agents} agents`, `${fmt(t.paid_hours, 'hours')} paid, cost ` +
                          `${fmt(t.regular_cost + t.overtime_cost, 'money')}`));
      else
        cards.append(card(`${pool}: requirement`, `${fmt(t.agent_hours, 'hours')}`, `cost ${fmt(t.cost, 'money')}`));
    }
    const unmet = d.unmet || [];
    cards.append(card('Targets not met', String(unmet.length),
                      unmet.map((u) => `${u.target} at ${u.interval}`).join(', ') || 'every target met in every interval',
                      unmet.length === 0));
    s.append(cards);
    const labels = d.intervals.map((iv) => iv.start);
    const figs = d.pools.map((pool) => {
      const pick = (field) => d.intervals.map((iv) => (iv.pools[pool] ? iv.pools[pool][field] : null));
      const fields = isSchedule ? [['required', '#B42318'], ['rostered', colour(0)], ['available', colour(2)]]
                                : [['required', '#B42318'], ['erlang_c', colour(1)], ['erlang_a', colour(2)]];
      const sets = fields.map(([f, c]) => ({ label: f, data: pick(f), borderColor: c, backgroundColor: c,
        stepped: 'before', pointRadius: 0, borderWidth: 2, borderDash: f === 'required' ? [] : [5, 3] }));
      return figure(`${pool}: agents per interval`, isSchedule ? 'the requirement found by simulation, and what the roster gives'
                    : 'the simulated requirement beside the Erlang C and Erlang A answers for the same load', {
        type: 'line', data: { labels, datasets: sets },
        options: { scales: axes('interval start', 'agents'), interaction: { mode: 'index', intersect: false } },
      }, ['interval', ...fields.map(([f]) => f)], d.intervals.map((iv, i) => [iv.start, ...fields.map(([f]) => {
        const x = pick(f)[i];
        return isNum(x) ? String(x) : '–';
      })]));
    });
    grid(s, figs);
    return s;
  }

  // --- a sweep ------------------------------------------------------------------------
  function sweepSection(result) {
    const d = result.data;
    const s = section('Sweep', `${d.points.length} points over ${d.keys.join(', ') || 'no keys'} · ${result.origin}`);
    const failed = d.points.filter((p) => p.failed);
    if (failed.length) s.append(el('p', { class: 'note', text: `${failed.length} point(s) failed: ` +
      failed.slice(0, 5).map((p) => `point ${p.point}: ${p.failed}`).join('; ') }));
    const seriesName = (x) => (x.scope === 'overall' ? x.kpi : `${x.scope} ${x.name} ${x.kpi}`);
    const preferred = d.series.findIndex((x) => x.scope === 'sla' && x.kpi === 'attained');
    const fallback = d.series.findIndex((x) => x.scope === 'overall' && x.kpi === 'wait_mean');
    const select = el('select', { id: 'sweep-kpi-' + Math.random().toString(36).slice(2), 'aria-label': 'KPI to chart' });
    d.series.forEach((x, i) => select.append(el('option', { value: String(i), text: seriesName(x) })));
    select.value = String(preferred >= 0 ? preferred : fallback >= 0 ? fallback : 0);
    s.append(el('p', { class: 'controls' }, el('label', { text: 'KPI: ' }), select));
    const holder = el('div');
    s.append(holder);
    const values = d.keys.map((_, k) => [...new Set(d.points.map((p) => p.values[k]))]);
    function draw() {
      for (const chart of charts.splice(0)) if (holder.contains(chart.canvas)) chart.destroy(); else charts.push(chart);
      holder.textContent = '';
      const x = d.series[Number(select.value)];
      if (!x) return;
      const at = (p, field) => (x[field][p] === undefined ? null : x[field][p]);
      const figs = d.keys.map((key, k) => {
        // One line per combination of the other keys (at most 8; the rest are in the table).
        const others = new Map();
        d.points.forEach((p, i) => {
          const id = p.values.filter((_, j) => j !== k).join(', ');
          if (!others.has(id)) others.set(id, []);
          others.get(id).push(i);
        });
        const lines = [...others.entries()].slice(0, 8);
        const datasets = [];
        lines.forEach(([id, members], c) => {
          const pos = (v) => members.find((i) => d.points[i].values[k] === v);
          const pick = (field) => values[k].map((v) => { const i = pos(v); return i === undefined ? null : at(i, field); });
          const label = d.keys.length > 1 ? id : seriesName(x);
          datasets.push(...band(label, colour(c), pick('mean'), pick('low'), pick('high'), x.unit));
        });
        const rows = d.points.map((p, i) => [String(p.point), ...p.values, fmt(at(i, 'mean'), x.unit),
                                             fmt(at(i, 'low'), x.unit), fmt(at(i, 'high'), x.unit)]);
        return figure(`${seriesName(x)} along ${key}`, d.keys.length > 1 ? `one line per value of ${d.keys.filter((_, j) =>
          j !== k).join(', ')}${others.size > 8 ? ' (the first 8)' : ''}` : 'with its 95% CI', {
          type: 'line', data: { labels: values[k], datasets },
          options: { scales: axes(key, axisTitle(seriesName(x), x.unit)), plugins: { legend: legendWithoutBands } },
        }, ['point', ...d.keys, 'mean', 'CI low', 'CI high'], rows);
      });
      grid(holder, figs);
      if (d.keys.length >= 2) holder.append(heatmap(x, at, values));
    }
    function heatmap(x, at, values) {
      const fig = el('figure', {}, el('h3', { text: `${seriesName(x)} over ${d.keys[0]} and ${d.keys[1]}` }),
        el('figcaption', { text: 'mean per point; darker is higher' + (d.keys.length > 2 ? `; other keys at their first values`
          : '') }));
      const cell = new Map();
      d.points.forEach((p, i) => {
        if (p.values.slice(2).every((v, j) => v === values[j + 2][0])) cell.set(`${p.values[0]}\x1f${p.values[1]}`, at(i, 'mean'));
      });
      const all = [...cell.values()].filter(isNum);
      const lo = Math.min(...all), hi = Math.max(...all);
      const rows = values[0].map((a) => [a, ...values[1].map((b) => cell.get(`${a}\x1f${b}`))]);
      const t = table([`${d.keys[0]} \\ ${d.keys[1]}`, ...values[1]], rows.map((r) => [r[0], ...r.slice(1).map((v) =>
        fmt(v, x.unit))]));
      t.querySelectorAll('tbody tr').forEach((tr, r) => tr.querySelectorAll('td').forEach((td, c) => {
        const v = rows[r][c + 1];
        if (!isNum(v)) return;
        const level = hi > lo ? (v - lo) / (hi - lo) : 0.5;
        td.className = 'heat';
        td.style.background = `rgba(0, 114, 178, ${0.08 + 0.62 * level})`;
      }));
      fig.append(t);
      return fig;
    }
    select.addEventListener('change', draw);
    draw();
    return s;
  }

  // --- the page ---------------------------------------------------------------------
  const first = results.find((r) => r.data.scenario) || results[0];
  root.append(el('h1', { text: first && first.data.scenario ? first.data.scenario : 'capsim report' }));
  root.append(el('p', { class: 'lead', text: `capsim report of ${results.length} result(s): ` +
    results.map((r) => `${r.kind} (${r.origin})`).join(', ') }));
  const drawers = { run: runSection, compare: compareSection, staff: planSection, schedule: planSection, sweep: sweepSection };
  for (const result of results) drawers[result.kind](result);

  // The manifests, so that a printed report can be reproduced.
  const footer = el('footer', {}, el('h2', { text: 'How these results were made' }));
  for (const result of results) {
    const m = result.data.manifest;
    if (m) {
      const dl = el('dl');
      const add = (k, v) => dl.append(el('dt', { text: k }), el('dd', { text: v }));
      add('result', `${result.kind} · ${result.origin}`);
      add('command', m.command);
      add('capsim', `${m.capsim} (commit ${m.commit})`);
      add('scenario', `${m.scenario_file} (${m.scenario_hash})`);
      add('seed', String(m.seed));
      add('replications', String(m.replications));
      if (m.overrides && m.overrides.length) add('overrides', m.overrides.join(' '));
      footer.append(dl);
    } else if (result.data.identity) {
      const dl = el('dl');
      dl.append(el('dt', { text: 'sweep' }), el('dd', { text: `${result.data.identity} · ${result.origin}` }));
      footer.append(dl);
    }
  }
  root.append(footer);
  // Charts keep their size in print only if told of it.
  window.addEventListener('beforeprint', () => charts.forEach((c) => c.resize()));
  window.addEventListener('afterprint', () => charts.forEach((c) => c.resize()));
  document.documentElement.dataset.charts = String(charts.length);
})();

// Renders the dashboard from the data bi/build.py embedded in the page (no network).
(function () {
  const data = JSON.parse(document.getElementById('her2lung-data').textContent);
  const COLORS = ['#2f6f9f', '#d9822b', '#3e9e5a', '#b33f62', '#7b5ea7', '#8a8a8a'];
  const fixed = (x, digits) => (x === null || x === undefined ? '' : Number(x).toFixed(digits));
  const text = (id, value) => { document.getElementById(id).textContent = value ?? ''; };

  function fillTable(id, rows, cells, rowClass) {
    const body = document.querySelector(`#${id} tbody`);
    for (const row of rows) {
      const tr = document.createElement('tr');
      if (rowClass) tr.className = rowClass(row);
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = cell(row);
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  function chart(id, config, points) {
    const box = document.getElementById(`${id}-box`);
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options);
    new Chart(document.getElementById(id), config);
    box.dataset.rendered = 'true';
    box.dataset.points = String(points);
  }

  // build
  text('build-id', data.build.build_id);
  text('build-finished', data.build.finished_at);
  text('build-studies', data.build.studies_dir);

  // cohorts
  text('population', data.population);
  fillTable('cohort-table', data.cohorts, [
    (r) => r.driver_cohort, (r) => r.n_patients, (r) => r.n_erbb2_mutation_profiled,
    (r) => r.n_erbb2_cna_profiled,
  ]);
  chart('chart-cohorts', {
    type: 'bar',
    data: {
      labels: data.cohorts.map((r) => r.driver_cohort),
      datasets: [{ label: 'Patients', data: data.cohorts.map((r) => r.n_patients), backgroundColor: COLORS[0] }],
    },
    options: { plugins: { legend: { display: false }, title: { display: true, text: 'Patients per driver cohort' } } },
  }, data.cohorts.length);

  // prevalence
  fillTable('prevalence-table', data.prevalence, [
    (r) => r.driver_cohort, (r) => r.alteration, (r) => r.n_altered, (r) => r.n_profiled,
    (r) => fixed(r.pct, 2), (r) => fixed(r.ci_low, 2), (r) => fixed(r.ci_high, 2),
  ], (r) => (r.driver_cohort === 'ALL' ? 'all' : ''));
  const any = data.prevalence.filter((r) => r.alteration === 'mutation_or_amplification');
  chart('chart-prevalence', {
    data: {
      labels: any.map((r) => `${r.driver_cohort} (${r.n_altered}/${r.n_profiled})`),
      datasets: [
        { type: 'bar', label: '95% CI', data: any.map((r) => [r.ci_low, r.ci_high]),
          backgroundColor: 'rgba(47, 111, 159, 0.25)', borderColor: COLORS[0], borderWidth: 1, barPercentage: 0.35 },
        { type: 'line', label: '% altered', data: any.map((r) => r.pct), showLine: false,
          backgroundColor: COLORS[1], borderColor: COLORS[1], pointRadius: 6 },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: '% of profiled patients' } } },
      plugins: { title: { display: true, text: 'ERBB2 mutation or amplification, % (95% CI)' } },
    },
  }, any.length);

  // Kaplan-Meier
  if (!data.km_curves || data.km_curves.length === 0) {
    document.getElementById('km-present').hidden = true;
    document.getElementById('km-missing').hidden = false;
  } else {
    text('km-comparison', data.km_comparison);
    const groups = [...new Set(data.km_curves.map((r) => r.group_label))];
    chart('chart-km', {
      type: 'line',
      data: {
        datasets: groups.map((g, i) => ({
          label: g,
          data: data.km_curves.filter((r) => r.group_label === g).map((r) => ({ x: r.time_months, y: r.survival })),
          stepped: 'after', borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length],
          pointRadius: 0, borderWidth: 2,
        })),
      },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Months' } },
          y: { min: 0, max: 1, title: { display: true, text: 'Overall survival' } },
        },
        plugins: { title: { display: true, text: 'Kaplan-Meier: overall survival' } },
      },
    }, data.km_curves.length);
    fillTable('km-table', data.km_medians, [
      (r) => r.group_label, (r) => r.n, (r) => r.n_events,
      (r) => (r.median_months === null ? 'not reached' : fixed(r.median_months, 2)),
    ]);
  }
  document.body.dataset.rendered = 'true';
})();

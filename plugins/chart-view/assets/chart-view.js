// @nocoflo/chart-view browser script: redraws when a setting changes and hydrates the
// server-rendered SVG (ECharts' SSR client) with tooltips. Without scripts the chart is
// still there and the form still works with its "Draw" button.
// A choice made with the pointer redraws at once. From the keyboard, arrows only move
// through the options (each one fires "change" in a closed select): Enter or the Draw
// button redraws, so a keyboard user is never sent away by one ArrowDown.
for (const form of document.querySelectorAll('.ncf-chart-form')) {
  const draw = (select) => {
    // A bucket only belongs to the x column it was chosen for.
    if (select.name === 'x' && select.value !== select.dataset.initial) {
      form.querySelector('select[name="bucket"]')?.remove();
    }
    form.requestSubmit();
  };
  for (const select of form.querySelectorAll('select')) {
    select.dataset.initial = select.value;
    let byPointer = false;
    select.addEventListener('pointerdown', () => {
      byPointer = true;
    });
    select.addEventListener('keydown', (event) => {
      byPointer = false;
      if (event.key === 'Enter') {
        event.preventDefault();
        draw(select);
      }
    });
    select.addEventListener('change', () => {
      if (byPointer) draw(select);
    });
  }
}

const ssrClient = globalThis['echarts-ssr-client'];
for (const section of document.querySelectorAll('.ncf-chart-view')) {
  const canvas = section.querySelector('.ncf-chart-canvas');
  const dataNode = section.querySelector('.ncf-chart-data');
  if (!canvas || !dataNode || !ssrClient) continue;
  const data = JSON.parse(dataNode.textContent);
  const tip = document.createElement('div');
  tip.className = 'ncf-chart-tip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  canvas.append(tip);
  const format = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  ssrClient.hydrate(canvas, {
    on: {
      mousemove(params) {
        const i = params.dataIndex;
        if (i === undefined || data.labels[i] === undefined) return;
        tip.textContent = `${data.labels[i]}: ${format.format(data.values[i])} (${data.measure})`;
        const box = canvas.getBoundingClientRect();
        tip.style.left = `${params.event.clientX - box.left + 12}px`;
        tip.style.top = `${params.event.clientY - box.top + 12}px`;
        tip.hidden = false;
      },
      mouseout() {
        tip.hidden = true;
      },
    },
  });
  canvas.dataset.hydrated = 'true';
}

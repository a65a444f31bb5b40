// Draws the monitor's charts from the figures the page carries as JSON (Chart.js, served by OpsFlow).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("monitor-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const stepLabels = data.steps.labels.map((id, i) => data.steps.names[`${data.steps.process[i]}:${id}`] || id);
  // A click on a bar or a point opens the list of what it counted, over the page's own scope
  // (period or dates, department, process; a renamed step's part keeps its versions in its key).
  const behind = (args) => {
    window.location.assign(`${data.behind.url}?${new URLSearchParams({ ...data.behind.scope, ...args })}`);
  };
  const stepBehind = (i) => behind({ kind: "step", step: data.steps.labels[i], process: data.steps.process[i] });
  const pointer = (event, elements) => {
    if (event.native) event.native.target.style.cursor = elements.length ? "pointer" : "default";
  };
  const onBar = (pick) => (event, _elements, chart) => {
    const [hit] = chart.getElementsAtEventForMode(event.native, "nearest", { intersect: false, axis: "y" }, true);
    if (hit) pick(hit);
  };
  new window.Chart(document.getElementById("chart-steps"), {
    type: "bar",
    data: { labels: stepLabels,
            datasets: [{ label: data.text.hours, data: data.steps.hours.map((s) => +(s / 3600).toFixed(2)),
                         backgroundColor: "#1f6feb" }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, animation: false,
               onClick: onBar((hit) => stepBehind(hit.index)), onHover: pointer,
               scales: { x: { title: { display: true, text: data.text.hours } } } },
  });
  const hours = (list) => list.map((s) => +(s / 3600).toFixed(2));
  new window.Chart(document.getElementById("chart-spread"), {
    type: "bar",
    data: { labels: stepLabels,
            datasets: [{ label: data.text.waiting, data: hours(data.steps.wait_p90), backgroundColor: "#f08c00" },
                       { label: data.text.working, data: hours(data.steps.work_p90), backgroundColor: "#2f9e44" }] },
    options: { indexAxis: "y", animation: false, onClick: onBar((hit) => stepBehind(hit.index)), onHover: pointer,
               scales: { x: { stacked: true, title: { display: true, text: data.text.hours } }, y: { stacked: true } } },
  });
  new window.Chart(document.getElementById("chart-days"), {
    type: "line",
    data: { labels: data.days.labels,
            datasets: [{ label: data.text.started, data: data.days.started, borderColor: "#f08c00" },
                       { label: data.text.completed, data: data.days.completed, borderColor: "#2f9e44" }] },
    options: { animation: false, onHover: pointer,
               elements: { point: { radius: 3, hitRadius: 6, hoverRadius: 5 } },
               // started: the instances begun that day; completed: those finished that day, whenever begun
               onClick: (event, _elements, chart) => {
                 const [hit] = chart.getElementsAtEventForMode(event.native, "nearest", { intersect: false }, true);
                 if (hit) behind({ kind: hit.datasetIndex === 0 ? "started" : "ended", day: data.days.labels[hit.index] });
               },
               scales: { x: { title: { display: true, text: data.text.days } },
                         y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.text.count } } } },
  });
  document.body.dataset.chartsReady = "true";
});

// The monitor's automation charts: share decided by rule and hours saved per month (Chart.js, as monitor.js).
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("automation-data").textContent);
  new window.Chart(document.getElementById("chart-share"), {
    type: "bar",
    data: { labels: data.labels,
            datasets: [{ label: data.text.share, data: data.share.map((s) => Math.round(s * 1000) / 10),
                         backgroundColor: "#1c7ed6" }] },
    options: { animation: false, scales: { y: { beginAtZero: true, max: 100 } } },
  });
  new window.Chart(document.getElementById("chart-saved"), {
    type: "bar",
    data: { labels: data.labels,
            datasets: [{ label: data.text.saved, data: data.saved.map((s) => Math.round(s / 36) / 100),
                         backgroundColor: "#2f9e44" }] },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
  });
  document.body.dataset.chartsReady = "true";
});

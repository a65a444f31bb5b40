// Colours each step of the diagram by its average wait and badges it with wait / work; a badge opens the requests.
document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("heatmap");
  if (!el || !window.BpmnJS || !window.opsflowDiagram) return;
  const viewer = await window.opsflowDiagram(el);
  if (!viewer) return;
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  document.querySelectorAll("[data-testid=heat-row]").forEach((row) => {
    const id = row.dataset.step;
    if (!registry.get(id)) return;
    canvas.addMarker(id, `heat-${row.dataset.level}`);
    const badge = document.createElement("a");
    badge.className = "heat-badge";
    badge.href = row.dataset.href;
    badge.dataset.element = id;
    badge.textContent = `${row.dataset.wait} / ${row.dataset.work}`;
    overlays.add(id, "heat", { position: { bottom: -4, left: 0 }, html: badge });
  });
  canvas.zoom("fit-viewport");
  el.dataset.ready = "true";
});

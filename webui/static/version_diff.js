// Marks what changed between two versions on both diagrams: markers colour the elements, overlays badge them.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.BpmnJS || !window.opsflowDiagram) return;
  const BADGES = { added: "+", changed: "~", removed: "−" };
  document.querySelectorAll(".diff-diagram").forEach(async (el) => {
    const viewer = await window.opsflowDiagram(el);
    if (!viewer) return;
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    Object.keys(BADGES).forEach((kind) => {
      (el.dataset[kind] || "").split(" ").filter((id) => id && registry.get(id)).forEach((id) => {
        canvas.addMarker(id, `opsflow-${kind}`);
        if (registry.get(id).waypoints) return;
        const badge = document.createElement("div");
        badge.className = `diff-badge ${kind}`;
        badge.textContent = BADGES[kind];
        badge.dataset.element = id;
        overlays.add(id, "diff", { position: { top: -10, right: 10 }, html: badge });
      });
    });
    canvas.zoom("fit-viewport");
    el.dataset.ready = "true";
  });
});

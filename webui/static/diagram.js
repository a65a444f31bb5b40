// Draws a process diagram with bpmn-js: `opsflowDiagram(el)` loads el.dataset.src into a viewer and says on the
// element when it is ready; an instance's page marks the steps done and the current one.
window.opsflowDiagram = async (el) => {
  const viewer = new window.BpmnJS({ container: el });
  try {
    const response = await fetch(el.dataset.src, { credentials: "same-origin" });
    if (!response.ok) throw new Error(response.status);
    await viewer.importXML(await response.text());
    return viewer;
  } catch (err) {
    el.textContent = "—";
    el.dataset.ready = "error";
    return null;
  }
};

document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("diagram");
  if (!el || !window.BpmnJS) return;
  const viewer = await window.opsflowDiagram(el);
  if (!viewer) return;
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const mark = (ids, cls) => ids.split(" ").filter((id) => id && registry.get(id))
    .forEach((id) => canvas.addMarker(id, cls));
  mark(el.dataset.done || "", "opsflow-done");
  mark(el.dataset.current || "", "opsflow-current");
  canvas.zoom("fit-viewport");
  el.dataset.ready = "true";
});

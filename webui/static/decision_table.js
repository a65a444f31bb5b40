// The decision table editor: dmn-js's modeler on one DMN file of a process version. Check and
// deploy send the edited table with the version it was opened from, so the server deploys that
// version's diagram together with this table as one new version; when the designer came from the
// diagram with changes not yet deployed (designer_draft.js), that changed diagram goes with it, and
// going back to the diagram keeps this table's changes for the diagram's deploy.
(() => {
  const data = JSON.parse(document.getElementById("decision-data").textContent);
  const T = data.text;
  const $ = (id) => document.getElementById(id);
  let modeler;
  let dirty = false;
  let draft = null;  // what the diagram and the other tables have kept, not deployed yet

  const status = (text, kind = "") => {
    const box = $("designer-status");
    box.textContent = text;
    box.className = `designer-status ${kind}`;
  };

  function showProblems(problems, warnings) {
    const list = $("designer-problems");
    list.replaceChildren();
    const add = (p, kind) => {
      const item = document.createElement("li");
      item.className = kind;
      const where = p.element_id ? `${p.element || ""} ${p.element_id}: ` : "";
      item.textContent = kind === "warning" ? `${T.warning}: ${where}${p.message}` : `${where}${p.message}`;
      list.append(item);
    };
    (problems || []).forEach((p) => add(p, "problem"));
    (warnings || []).forEach((p) => add(p, "warning"));
  }

  async function post(url) {
    const { xml } = await modeler.saveXML({ format: true });
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify({ version: data.version, xml: draft?.xml || undefined,
        dmn: { ...(draft?.dmn || {}), [data.index]: xml } }),
    });
    const body = await response.json().catch(() => ({ description: response.statusText }));
    return { response, body };
  }

  async function check() {
    status(T.checking);
    try {
      const { response, body } = await post(data.check);
      if (!response.ok) throw new Error(body.description || body.error || response.status);
      showProblems(body.problems, body.warnings);
      status(body.ok ? T.ok : T.problems, body.ok ? "ok" : "bad");
    } catch (err) {
      status(T.failed.replace("{error}", err.message), "bad");
    }
  }

  async function deploy() {
    status(T.checking);
    try {
      const { response, body } = await post(data.deploy);
      if (response.status === 422) {
        showProblems(body.problems, []);
        status(T.problems, "bad");
        return;
      }
      if (!response.ok) throw new Error(body.description || body.error || response.status);
      showProblems([], body.warnings);
      dirty = false;
      draft = null;
      window.OpsflowDraft.clear(data.key, data.version);
      if (body.created) $("decision-back").href = body.url;
      status((body.created ? T.deployed : T.unchanged).replace("{v}", body.version), "ok");
      $("decision-table").dataset.deployed = String(body.version);
    } catch (err) {
      status(T.failed.replace("{error}", err.message), "bad");
    }
  }

  async function back(event) {
    if (!dirty && !draft) return;
    event.preventDefault();
    const href = event.currentTarget.href;
    const kept = { xml: draft?.xml || null, dmn: { ...(draft?.dmn || {}) } };
    if (dirty) kept.dmn[data.index] = (await modeler.saveXML({ format: true })).xml;
    window.OpsflowDraft.save(data.key, data.version, kept);
    dirty = false;  // kept: leaving the page loses nothing
    window.location.href = href;
  }

  async function start() {
    modeler = new window.DmnJS({ container: "#decision-table" });
    window.opsflowDecisionModeler = modeler;
    draft = window.OpsflowDraft.load(data.key, data.version);
    const kept = draft?.dmn?.[data.index];
    await modeler.importXML(kept || await (await fetch(data.source, { credentials: "same-origin" })).text());
    const table = modeler.getViews().find((v) => v.type === "decisionTable");
    if (!table) throw new Error(T.no_table);
    await modeler.open(table);
    modeler.getActiveViewer().on("elements.changed", () => { dirty = true; });
    if (kept) dirty = true;
    if (draft?.xml) status(T.with_diagram);
    else if (kept) status(T.restored);
    $("decision-back").addEventListener("click", back);
    $("designer-check").addEventListener("click", check);
    $("designer-deploy").addEventListener("click", deploy);
    window.addEventListener("beforeunload", (e) => { if (dirty) { e.preventDefault(); e.returnValue = T.unsaved; } });
    $("decision-table").dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", () => start().catch((err) => {
    status(T.failed.replace("{error}", err.message), "bad");
    $("decision-table").dataset.ready = "error";
  }));
})();

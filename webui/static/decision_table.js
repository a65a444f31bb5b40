// The decision table editor: dmn-js's modeler on one DMN file of a process version. Check and
// deploy send the edited table with the version it was opened from, so the server deploys that
// version's diagram together with this table as one new version.
(() => {
  const data = JSON.parse(document.getElementById("decision-data").textContent);
  const T = data.text;
  const $ = (id) => document.getElementById(id);
  let modeler;
  let dirty = false;

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
      body: JSON.stringify({ version: data.version, dmn: { [data.index]: xml } }),
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
      status((body.created ? T.deployed : T.unchanged).replace("{v}", body.version), "ok");
      $("decision-table").dataset.deployed = String(body.version);
    } catch (err) {
      status(T.failed.replace("{error}", err.message), "bad");
    }
  }

  async function start() {
    modeler = new window.DmnJS({ container: "#decision-table" });
    window.opsflowDecisionModeler = modeler;
    const source = await fetch(data.source, { credentials: "same-origin" });
    await modeler.importXML(await source.text());
    const table = modeler.getViews().find((v) => v.type === "decisionTable");
    if (!table) throw new Error(T.no_table);
    await modeler.open(table);
    modeler.getActiveViewer().on("elements.changed", () => { dirty = true; });
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

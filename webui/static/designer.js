// The process designer: bpmn-js's modeler, a properties panel for what OpsFlow reads from a diagram
// (task groups, forms, due times, service operations, scripts, conditions, timers), and the
// check / deploy calls to the server. Every edit goes through bpmn-js's command stack, so undo works.
(() => {
  const data = JSON.parse(document.getElementById("designer-data").textContent);
  const T = data.text;
  const SPIFF = "spiffworkflow:";
  const OPS = "opsflow:";
  const USER_PROPS = ["candidate_group", "title", "due_in"];
  const PRIORITIES = ["low", "normal", "high", "urgent"];
  const $ = (id) => document.getElementById(id);
  let modeler, modeling, moddle, canvas, registry;
  let dirty = false;
  let marked = [];
  let tables = {};  // decision tables edited and not deployed yet (designer_draft.js): deployed with the diagram

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
    });
    children.flat().forEach((c) => c && node.append(c));
    return node;
  };

  const status = (text, kind = "") => {
    const box = $("designer-status");
    box.textContent = text;
    box.className = `designer-status ${kind}`;
  };

  // -- extension elements ------------------------------------------------------------------
  const extension = (bo, type) => (bo.extensionElements?.get("values") || []).find((v) => v.$type === type);

  function ensureExtension(element, type) {
    const bo = element.businessObject;
    let ext = bo.extensionElements;
    if (!ext) {
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      modeling.updateProperties(element, { extensionElements: ext });
    }
    let found = extension(bo, type);
    if (!found) {
      found = moddle.create(type);
      found.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: [...ext.get("values"), found] });
    }
    return found;
  }

  function removeExtension(element, type) {
    const ext = element.businessObject.extensionElements;
    const found = ext && extension(element.businessObject, type);
    if (found) modeling.updateModdleProperties(element, ext, { values: ext.get("values").filter((v) => v !== found) });
  }

  const propertyOf = (bo, name) =>
    (extension(bo, SPIFF + "Properties")?.get("properties") || []).find((p) => p.name === name)?.value ?? "";

  function setProperty(element, name, value) {
    const props = ensureExtension(element, SPIFF + "Properties");
    const list = props.get("properties");
    const current = list.find((p) => p.name === name);
    if (value === "" || value === null) {
      if (current) modeling.updateModdleProperties(element, props, { properties: list.filter((p) => p !== current) });
    } else if (current) {
      modeling.updateModdleProperties(element, current, { value });
    } else {
      const created = moddle.create(SPIFF + "Property", { name, value });
      created.$parent = props;
      modeling.updateModdleProperties(element, props, { properties: [...list, created] });
    }
  }

  // An element's name in another language: <opsflow:name lang="zh_CN"> among its extension elements (engine/names.py).
  const namesOf = (bo) => (bo.extensionElements?.get("values") || []).filter((v) => v.$type === OPS + "Name");
  const nameIn = (bo, lang) => namesOf(bo).find((n) => n.lang === lang)?.value ?? "";

  function setNameIn(element, lang, value) {
    const bo = element.businessObject;
    const current = namesOf(bo).find((n) => n.lang === lang);
    if (!value) {
      if (current) modeling.updateModdleProperties(element, bo.extensionElements,
        { values: bo.extensionElements.get("values").filter((v) => v !== current) });
    } else if (current) {
      modeling.updateModdleProperties(element, current, { value });
    } else {
      let ext = bo.extensionElements;
      if (!ext) {
        ext = moddle.create("bpmn:ExtensionElements", { values: [] });
        modeling.updateProperties(element, { extensionElements: ext });
      }
      const created = moddle.create(OPS + "Name", { lang, value });
      created.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: [...ext.get("values"), created] });
    }
  }

  const expression = (body) => moddle.create("bpmn:FormalExpression", { body });

  // -- the panel ---------------------------------------------------------------------------
  const field = (label, input) => el("div", { class: "field" }, el("label", { text: label }), input);

  function textInput(value, onchange, attrs = {}) {
    return el("input", { value, ...attrs, onchange: (e) => onchange(e.target.value.trim()) });
  }

  function textArea(value, onchange, name) {
    return el("textarea", { rows: 5, spellcheck: "false", "data-field": name, onchange: (e) => onchange(e.target.value) },
      value);
  }

  function select(options, value, onchange, name) {
    return el("select", { "data-field": name, onchange: (e) => onchange(e.target.value) },
      options.map(([v, label]) => el("option", { value: v, selected: v === value }, label)));
  }

  function userTaskFields(element) {
    const bo = element.businessObject;
    const forms = [["", T.no_form], ...data.forms.map((f) => [f, f])];
    const current = propertyOf(bo, "form");
    if (current && !data.forms.includes(current)) forms.push([current, current]);
    const check = (name) => el("label", { class: "check" },
      el("input", { type: "checkbox", "data-field": name, checked: propertyOf(bo, name) === "true",
        onchange: (e) => setProperty(element, name, e.target.checked ? "true" : "") }), T[name]);
    return [
      ...USER_PROPS.map((name) => field(T[name], textInput(propertyOf(bo, name), (v) => setProperty(element, name, v),
        { "data-field": name }))),
      field(T.form, select(forms, current, (v) => setProperty(element, "form", v), "form")),
      field(T.priority, select([["", "—"], ...PRIORITIES.map((p) => [p, p])], propertyOf(bo, "priority"),
        (v) => setProperty(element, "priority", v), "priority")),
      check("exclude_requester"), check("four_eyes"), check("bulk_approve"),
    ];
  }

  function serviceTaskFields(element) {
    const bo = element.businessObject;
    const operator = extension(bo, SPIFF + "ServiceTaskOperator");
    const params = () => extension(bo, SPIFF + "ServiceTaskOperator")?.parameterList?.get("parameters") || [];
    const lines = params().map((p) => `${p.id} = ${p.value ?? ""}`).join("\n");
    // Written from the three inputs together, so each edit leaves a complete operator behind.
    const write = () => {
      const name = opSelect.value;
      if (!name) { removeExtension(element, SPIFF + "ServiceTaskOperator"); return; }
      const old = params();
      const op = ensureExtension(element, SPIFF + "ServiceTaskOperator");
      const list = moddle.create(SPIFF + "Parameters");
      list.$parent = op;
      list.set("parameters", paramArea.value.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
        const at = line.indexOf("=");
        const id = (at < 0 ? line : line.slice(0, at)).trim();
        const p = moddle.create(SPIFF + "Parameter", { id, type: old.find((o) => o.id === id)?.type || "any",
          value: at < 0 ? id : line.slice(at + 1).trim() });
        p.$parent = list;
        return p;
      }));
      modeling.updateModdleProperties(element, op,
        { id: name, resultVariable: resultInput.value.trim() || undefined, parameterList: list });
    };
    const opSelect = select([["", "—"], ...Object.keys(data.operations).map((n) => [n, n])], operator?.id || "", () => {
      if (!paramArea.value.trim()) paramArea.value = (data.operations[opSelect.value] || []).map((p) => `${p} = ${p}`).join("\n");
      write();
    }, "operation");
    const resultInput = textInput(operator?.resultVariable || "", write, { "data-field": "result" });
    const paramArea = textArea(lines, write, "parameters");
    const post = extension(bo, SPIFF + "PostScript");
    return [
      field(T.operation, opSelect), field(T.result, resultInput), field(T.parameters, paramArea),
      field(T.post_script, textArea(post?.value || "", (v) => {
        if (!v.trim()) { removeExtension(element, SPIFF + "PostScript"); return; }
        modeling.updateModdleProperties(element, ensureExtension(element, SPIFF + "PostScript"), { value: v });
      }, "post_script")),
    ];
  }

  function timerFields(element, definition) {
    const kinds = [["timeDuration", T.timer_duration], ["timeDate", T.timer_date], ["timeCycle", T.timer_cycle]];
    const kind = kinds.map(([k]) => k).find((k) => definition.get(k)) || "timeDuration";
    const value = definition.get(kind)?.body || "";
    const write = (k, v) => modeling.updateModdleProperties(element, definition,
      { timeDuration: undefined, timeDate: undefined, timeCycle: undefined, [k]: expression(v) });
    const valueInput = textInput(value, (v) => write(kindSelect.value, v), { "data-field": "timer" });
    const kindSelect = select(kinds, kind, (k) => write(k, valueInput.value.trim()), "timer_kind");
    return [field(T.timer, kindSelect), field("", valueInput)];
  }

  function fieldsFor(element) {
    const bo = element.businessObject;
    const type = bo.$type;
    if (type === "bpmn:UserTask") return userTaskFields(element);
    if (type === "bpmn:ServiceTask") return serviceTaskFields(element);
    if (type === "bpmn:ScriptTask") {
      return [field(T.script, textArea(bo.script || "", (v) => modeling.updateProperties(element, { script: v }), "script"))];
    }
    if (type === "bpmn:SequenceFlow" && bo.sourceRef?.$type !== "bpmn:ParallelGateway") {
      return [field(T.condition, textInput(bo.conditionExpression?.body || "", (v) =>
        modeling.updateProperties(element, { conditionExpression: v ? expression(v) : undefined }),
      { "data-field": "condition" }))];
    }
    const timer = (bo.eventDefinitions || []).find((d) => d.$type === "bpmn:TimerEventDefinition");
    return timer ? timerFields(element, timer) : [];
  }

  function renderPanel(element) {
    const panel = $("designer-panel");
    panel.replaceChildren();
    const target = element || canvas.getRootElement();
    if (!target || target.type === "label") {
      panel.append(el("p", { class: "muted", text: T.nothing }));
      return;
    }
    const bo = target.businessObject;
    const isProcess = bo.$type === "bpmn:Process";
    panel.append(
      el("h2", { text: isProcess ? T.process : data.types[bo.$type] || bo.$type.replace("bpmn:", ""),
        "data-testid": "designer-element-type" }),
      field(T.id, textInput(bo.id, (v) => v && modeling.updateProperties(target, { id: v }),
        { "data-field": "id", readonly: isProcess })),
      field(T.name, textInput(bo.name || "", (v) => modeling.updateProperties(target, { name: v || undefined }),
        { "data-field": "name" })),
      field(T.name_zh_CN, textInput(nameIn(bo, "zh_CN"), (v) => setNameIn(target, "zh_CN", v.trim()),
        { "data-field": "name_zh_CN", lang: "zh-CN" })),
      ...(isProcess ? [] : fieldsFor(target)),
    );
  }

  // SpiffWorkflow reads some BPMN references as variable names (a multi-instance task's
  // loopDataInputRef "interviewers"); bpmn-js drops a reference it cannot resolve, so each one is
  // put back as a stand-in element carrying the name, which saves as the same text.
  function keepUnresolved(warnings) {
    (warnings || []).forEach((w) => {
      if (!w.element || !w.property || typeof w.value !== "string" || !/unresolved reference/.test(w.message)) return;
      const standIn = moddle.create("bpmn:Property", { id: w.value });
      const descriptor = w.element.$descriptor.propertiesByName[w.property];
      if (descriptor?.isMany) w.element.get(w.property).push(standIn);
      else w.element.set(w.property, standIn);
    });
  }

  async function load(xml) {
    const { warnings } = await modeler.importXML(xml);
    keepUnresolved(warnings);
    // Fit the diagram, then widen the view on the left so the tool palette covers none of it.
    canvas.zoom("fit-viewport");
    const view = canvas.viewbox();
    const room = 90 / view.scale;
    canvas.viewbox({ x: view.x - room, y: view.y, width: view.width + room, height: view.height });
  }

  // -- problems, check, deploy ---------------------------------------------------------------
  function showProblems(problems, warnings) {
    marked.forEach((id) => registry.get(id) && canvas.removeMarker(id, "opsflow-problem"));
    marked = [];
    const list = $("designer-problems");
    list.replaceChildren();
    const add = (p, kind) => {
      const where = p.element_id ? `${p.element || ""} ${p.element_id}: ` : "";
      const item = el("li", { class: kind, "data-element": p.element_id || "" },
        kind === "warning" ? `${T.warning}: ${where}${p.message}` : `${where}${p.message}`);
      if (p.element_id && registry.get(p.element_id)) {
        canvas.addMarker(p.element_id, "opsflow-problem");
        marked.push(p.element_id);
        item.addEventListener("click", () => modeler.get("selection").select(registry.get(p.element_id)));
        item.classList.add("link");
      }
      list.append(item);
    };
    problems.forEach((p) => add(p, "problem"));
    (warnings || []).forEach((p) => add(p, "warning"));
  }

  async function post(url) {
    const { xml } = await modeler.saveXML({ format: true });
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify({ xml, version: data.version, dmn: tables }),
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
      showProblems([], []);
      dirty = false;
      tables = {};
      window.OpsflowDraft.clear(data.key, data.version);
      $("designer-discard").hidden = true;
      status((body.created ? T.deployed : T.unchanged).replace("{v}", body.version), "ok");
      if (body.created) setTimeout(() => { window.location.href = body.url; }, 800);
    } catch (err) {
      status(T.failed.replace("{error}", err.message), "bad");
    }
  }

  async function download() {
    const { xml } = await modeler.saveXML({ format: true });
    const link = el("a", { href: URL.createObjectURL(new Blob([xml], { type: "application/xml" })),
      download: `${data.key}.bpmn` });
    document.body.append(link);
    link.click();
    link.remove();
  }

  async function openFile(event) {
    const file = event.target.files[0];
    if (!file) return;
    try {
      await load(await file.text());
      dirty = true;
      status(T.loaded.replace("{file}", file.name));
      renderPanel(null);
    } catch (err) {
      status(T.failed.replace("{error}", err.message), "bad");
    }
    event.target.value = "";
  }

  // Opening a decision table keeps the diagram's changes in this tab, so the table's deploy sends both
  // and coming back finds them (designer_draft.js).
  async function toTable(event) {
    if (!dirty) return;
    event.preventDefault();
    const href = event.currentTarget.href;
    const { xml } = await modeler.saveXML({ format: true });
    window.OpsflowDraft.save(data.key, data.version, { xml, dmn: tables });
    dirty = false;  // kept: leaving the page loses nothing
    window.location.href = href;
  }

  function discard() {
    window.OpsflowDraft.clear(data.key, data.version);
    dirty = false;
    window.location.reload();
  }

  async function start() {
    const [descriptor, opsflow] = await Promise.all([data.moddle, data.opsflow_moddle]
      .map(async (url) => (await fetch(url)).json()));
    modeler = new window.BpmnJS({ container: "#designer-canvas",
      moddleExtensions: { spiffworkflow: descriptor, opsflow } });
    window.opsflowModeler = modeler;
    [modeling, moddle, canvas, registry] = ["modeling", "moddle", "canvas", "elementRegistry"].map((s) => modeler.get(s));
    const draft = window.OpsflowDraft.load(data.key, data.version);
    tables = draft?.dmn || {};
    if (draft?.xml) await load(draft.xml);
    else await load(await (await fetch(data.source, { credentials: "same-origin" })).text());
    modeler.on("selection.changed", (e) => renderPanel(e.newSelection.length === 1 ? e.newSelection[0] : null));
    modeler.on("commandStack.changed", () => {
      dirty = true;
      const selected = modeler.get("selection").get();
      if (selected.length === 1 && !document.activeElement?.closest?.("#designer-panel")) renderPanel(selected[0]);
    });
    renderPanel(null);
    if (draft) {
      dirty = true;
      status(T.restored);
      $("designer-discard").hidden = false;
    }
    $("designer-discard").addEventListener("click", discard);
    document.querySelectorAll("#designer-decisions a").forEach((a) => a.addEventListener("click", toTable));
    $("designer-check").addEventListener("click", check);
    $("designer-deploy").addEventListener("click", deploy);
    $("designer-download").addEventListener("click", download);
    $("designer-file").addEventListener("change", openFile);
    window.addEventListener("beforeunload", (e) => { if (dirty) { e.preventDefault(); e.returnValue = T.unsaved; } });
    $("designer-canvas").dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", () => start().catch((err) => {
    status(T.failed.replace("{error}", err.message), "bad");
    $("designer-canvas").dataset.ready = "error";
  }));
})();

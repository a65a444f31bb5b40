// What a designer changed and has not deployed yet, kept in this tab while they move between a process's
// diagram and the decision tables it calls, so one deploy sends them all as one new version. Kept per
// process and opened version in sessionStorage: it survives going from page to page, not closing the tab.
(() => {
  const slot = (key, version) => `opsflow-designer-draft:${key}:v${version ?? "new"}`;

  window.OpsflowDraft = {
    // { xml: the diagram or null, dmn: { file index: table XML } }, or null when nothing is kept
    load(key, version) {
      try {
        const draft = JSON.parse(window.sessionStorage.getItem(slot(key, version)) || "null");
        return draft && typeof draft === "object" ? { xml: draft.xml || null, dmn: draft.dmn || {} } : null;
      } catch (err) {
        return null;
      }
    },
    save(key, version, draft) {
      window.sessionStorage.setItem(slot(key, version), JSON.stringify({ xml: draft.xml || null, dmn: draft.dmn || {} }));
    },
    clear(key, version) {
      window.sessionStorage.removeItem(slot(key, version));
    },
  };
})();

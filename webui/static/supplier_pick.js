// The purchase request's supplier field suggests active suppliers from the master as the requester types,
// each with its rating; whatever is typed is still accepted (the form keeps the field free text).
(function () {
  "use strict";
  const box = document.querySelector("[data-supplier-search]");
  const input = document.getElementById("f-supplier");
  if (!box || !input) return;
  const list = document.getElementById("supplier-options");
  const shown = box.querySelector("[data-supplier-rating]");
  const stars = (n) => "★".repeat(n) + "☆".repeat(5 - n);
  let found = [];
  let timer = null;
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");

  function showRating() {
    const match = found.find((s) => s.name === input.value.trim());
    shown.textContent = match ? `${match.code} · ${stars(match.rating)}` : "";
    shown.dataset.code = match ? match.code : "";
  }

  async function search() {
    const url = `${box.dataset.supplierSearch}?q=${encodeURIComponent(input.value.trim())}`;
    const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
    if (!response.ok) return;
    const answer = await response.json();
    found = answer.suppliers;
    list.replaceChildren(...found.map((s) => {
      const option = document.createElement("option");
      option.value = s.name;
      option.label = `${s.code} · ${stars(s.rating)}`;
      return option;
    }));
    box.querySelector("[data-supplier-more]").hidden = !answer.more;
    showRating();
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  search();
})();

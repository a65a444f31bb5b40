/* Tables of lines in forms: "Add a line" copies the last row with its inputs renumbered and emptied,
   and an <output data-lines-total="name"> shows the sum of quantity × unit price over the rows. */
(function () {
  "use strict";
  if (window.opsflowLines) { return; }  // included once per lines field
  window.opsflowLines = true;

  function rows(table) { return table.tBodies[0].rows; }

  function addLine(table) {
    var last = rows(table)[rows(table).length - 1];
    var copy = last.cloneNode(true);
    var number = rows(table).length + 1;
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-\d+-/, "-" + number + "-");
      input.id = "f-" + input.name;
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, number));
    });
    copy.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (td) { td.classList.remove("has-error"); });
    copy.querySelector(".line-no").textContent = number;
    table.tBodies[0].appendChild(copy);
    copy.querySelector("input").focus();
  }

  function total(table) {
    var sum = 0;
    Array.prototype.forEach.call(rows(table), function (row) {
      var quantity = row.querySelector("input[name$='-quantity']");
      var price = row.querySelector("input[name$='-unit_price']");
      var amount = quantity && price ? parseInt(quantity.value, 10) * parseFloat(price.value) : NaN;
      if (isFinite(amount)) { sum += Math.round(amount * 100) / 100; }
    });
    return sum;
  }

  function showTotal(table) {
    var out = document.querySelector("output[data-lines-total='" + table.dataset.lines + "']");
    if (!out) { return; }
    var money = new Intl.NumberFormat(document.documentElement.lang || "zh-CN", {style: "currency", currency: "CNY"});
    var sum = total(table);
    out.textContent = sum > 0 ? money.format(sum) : "—";
    document.querySelectorAll("[data-auto-below][data-lines-for='" + table.dataset.lines + "']").forEach(function (hint) {
      hint.hidden = !(sum > 0 && sum < parseFloat(hint.dataset.autoBelow));  // the automatic-approval hint
    });
  }

  document.querySelectorAll("table[data-lines]").forEach(function (table) {
    var button = document.querySelector("button[data-add-line='" + table.dataset.lines + "']");
    if (button) { button.addEventListener("click", function () { addLine(table); }); }
    table.addEventListener("input", function () { showTotal(table); });
    showTotal(table);
  });
})();

// The order entry table: add and remove lines in place, and show each line's amount and the total.
// Without JavaScript the page still works: "Add line" posts the form back with one more empty row.
(function () {
  var table = document.querySelector("table.order-lines");
  if (!table) { return; }
  var body = table.tBodies[0], total = table.querySelector("output");
  var money = new Intl.NumberFormat(document.documentElement.lang || "zh-CN", {style: "currency", currency: "CNY"});

  function amountOf(row) {
    var quantity = parseInt(row.querySelector("[name=quantity]").value, 10);
    var price = parseFloat(row.querySelector("[name=unit_price]").value);
    var amount = Math.round(quantity * price * 100) / 100;
    return isFinite(amount) && amount > 0 ? amount : null;
  }

  function update() {
    var sum = 0;
    Array.prototype.forEach.call(body.rows, function (row, index) {
      var amount = amountOf(row);
      row.querySelector(".line-no").textContent = index + 1;
      row.querySelector("[data-amount]").textContent = amount === null ? "—" : money.format(amount);
      row.querySelector(".remove-line").hidden = body.rows.length < 2;
      sum += amount || 0;
    });
    total.textContent = sum > 0 ? money.format(sum) : "—";
  }

  document.querySelector("[data-testid=add-line]").addEventListener("click", function (event) {
    event.preventDefault();
    var row = body.rows[body.rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; input.removeAttribute("aria-invalid"); });
    row.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    row.querySelectorAll(".has-error").forEach(function (cell) { cell.classList.remove("has-error"); });
    body.appendChild(row);
    update();
    row.querySelector("[name=item_code]").focus();
  });
  body.addEventListener("click", function (event) {
    if (event.target.classList.contains("remove-line") && body.rows.length > 1) {
      event.target.closest("tr").remove();
      update();
    }
  });
  body.addEventListener("input", update);
  update();
})();

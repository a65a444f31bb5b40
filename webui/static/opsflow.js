// Behaviour pages ask for in their markup, since the Content-Security-Policy allows no inline handlers:
// <select data-autosubmit> sends its form when changed; <form data-confirm="question"> asks before sending.
"use strict";
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.submit();
});
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

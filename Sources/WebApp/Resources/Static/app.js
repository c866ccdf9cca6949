// The pages' only script. Pages carry no data inside JavaScript: what a script needs is in
// data- attributes, which the template escapes like any other text.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

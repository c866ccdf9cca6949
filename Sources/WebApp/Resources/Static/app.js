// The pages' only script. Pages carry no data inside JavaScript: what a script needs is in
// data- attributes, which the template escapes like any other text. A question to confirm
// may sit on the form or on the button that submits it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var question = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
                 (form.getAttribute && form.getAttribute("data-confirm"));
  if (question && !window.confirm(question)) event.preventDefault();
});

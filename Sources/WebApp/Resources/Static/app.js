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

// The ballot form counts its ○ (write-ins under a × count as ○) as they are marked: more
// than the seats makes the ballot invalid. The server decides; this only says it early.
(function () {
  var form = document.getElementById("ballot");
  if (!form) return;
  var seats = parseInt(form.getAttribute("data-seats"), 10);
  var out = document.getElementById("validity");
  function update() {
    if (document.getElementById("invalid").checked) { out.textContent = "整张无效"; out.className = "live over"; return; }
    var fors = form.querySelectorAll("input[type=radio][value=for]:checked").length;
    var writeIns = 0;
    form.querySelectorAll("input.writein").forEach(function (input) {
      var against = form.querySelector("input[type=radio][value=against][name='mark." + input.name.slice(8) + "']");
      if (input.value.trim() && against && against.checked) writeIns += 1;
    });
    var total = fors + writeIns;
    out.textContent = "赞成 " + total + " 人（应选 " + seats + " 名）" + (total > seats ? "：多于应选名额，是无效票" : "：有效");
    out.className = total > seats ? "live over" : "live";
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
  var first = form.querySelector("input[type=radio]");
  if (first) first.focus();
})();

// Progressive enhancement for survey pages: live skip logic and autosaved drafts.
// Without this script the page works the same; the server applies the same skip rules.
(function () {
  "use strict";
  var form = document.getElementById("survey");
  if (!form) return;

  function answerOf(id) {
    var inputs = form.querySelectorAll('[name="' + id + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.value !== "") values.push(input.value);
    });
    if (values.length === 0) return null;
    if (inputs[0].type === "checkbox") return values;
    var value = values[0];
    if (value === "yes") return true;
    if (value === "no") return false;
    return /^-?\d+$/.test(value) ? parseInt(value, 10) : value;
  }

  function met(rule, answer) {
    if (answer === null || answer === "" || (Array.isArray(answer) && answer.length === 0)) return false;
    if ("equals" in rule) return answer === rule.equals;
    if ("any_of" in rule) {
      var given = Array.isArray(answer) ? answer : [answer];
      return given.some(function (v) { return rule.any_of.indexOf(v) >= 0; });
    }
    if (typeof answer !== "number") return false;
    if ("at_most" in rule) return answer <= rule.at_most;
    return answer >= rule.at_least;
  }

  function applySkipLogic() {
    var shown = {};
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      var id = fieldset.id.slice(2);
      var rule = fieldset.dataset.showIf ? JSON.parse(fieldset.dataset.showIf) : null;
      var visible = !rule || (shown[rule.question] && met(rule, answerOf(rule.question)));
      fieldset.hidden = !visible;
      shown[id] = visible;
    });
  }

  var timer = null;
  function saveDraft() {
    if (!form.dataset.draftUrl) return; // an anonymous survey (a branch's QR poster) has no draft
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(form.dataset.draftUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    }, 800);
  }

  document.documentElement.classList.add("js");
  form.addEventListener("change", function () { applySkipLogic(); saveDraft(); });
  form.addEventListener("input", saveDraft);
  applySkipLogic();
})();

// Keyboard shortcuts on the review page: b = bevestigen (confirm), a = afwijzen (reject), t = twijfel (unsure).
// Not while typing in a field, and not with modifier keys, so the reason box and browser shortcuts still work.
document.addEventListener("keydown", function (event) {
  var form = document.getElementById("decision-form");
  if (!form || event.ctrlKey || event.metaKey || event.altKey) return;
  var tag = (event.target && event.target.tagName) || "";
  if (tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT") return;
  var button = form.querySelector('button[data-key="' + event.key.toLowerCase() + '"]');
  if (!button) return;
  event.preventDefault();
  if (form.requestSubmit) form.requestSubmit(button); else button.click();
});

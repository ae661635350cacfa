// Shows the review tier only for reviewers and the LKE areas only for working-group
// members. Without JavaScript every field stays visible and the server explains mistakes.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("role-form");
  if (!form) { return; }
  var role = form.querySelector("select[name=role]");
  if (!role) { return; }
  function update() {
    form.querySelectorAll("[data-zona-role-only]").forEach(function (el) {
      var roles = el.getAttribute("data-zona-role-only").split(" ");
      var hasError = el.querySelector(".is-invalid, .invalid-feedback");
      el.hidden = !hasError && roles.indexOf(role.value) === -1;
    });
  }
  role.addEventListener("change", update);
  update();
});

// The "Select all" box on the admin's export page. django-import-export binds it with an inline
// onchange attribute, which the Content-Security-Policy refuses; this does the same from a file.
document.addEventListener("change", (event) => {
  if (event.target.matches("input.select-toggle")) {
    onSelectToggleChange(event);
  }
});

// Management forms, as an improvement only: show the web address the server will make from the
// name while the address field is left empty (the server does the same in meetingplaces/slugs.py).
document.addEventListener("DOMContentLoaded", () => {
  const name = document.getElementById("name");
  const slug = document.getElementById("slug");
  if (!name || !slug) return;
  const german = { "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss" };
  const slugify = (text) =>
    text
      .toLowerCase()
      .replace(/[äöüßẞ]/g, (letter) => german[letter])
      .normalize("NFKD")
      .replace(/[^\x00-\x7f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80);
  const preview = () => {
    slug.placeholder = slugify(name.value);
  };
  name.addEventListener("input", preview);
  preview();
});

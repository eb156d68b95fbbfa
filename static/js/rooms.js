// The request form's rooms, as improvements only (without this file the whole list stays and
// the link to all facilities carries what the page was given):
// - a filter box above a long list keeps the rooms whose room, facility or quarter names hold
//   every word typed; checked rooms always stay in sight;
// - the link to the rooms of all facilities takes along everything typed so far;
// - the week of the chosen room follows the rooms and the date as they are chosen (without
//   this file, the button "show free and busy times" does the same by sending the form).
document.addEventListener("DOMContentLoaded", () => {
  const plain = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

  const filter = document.querySelector("[data-room-filter]");
  if (filter) {
    const box = filter.querySelector("input");
    const status = filter.querySelector("[data-shown]");
    const groups = [...document.querySelectorAll("[data-room-group]")].map((group) => {
      const legend = plain(group.querySelector("legend").textContent);
      const rooms = [...group.querySelectorAll(".room")].map((room) => ({
        room, box: room.querySelector("input"), text: `${plain(room.textContent)} ${legend}`,
      }));
      return { group, rooms };
    });
    const apply = () => {
      const words = plain(box.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const { group, rooms } of groups) {
        let any = false;
        for (const { room, box: check, text } of rooms) {
          const keep = check.checked || words.every((word) => text.includes(word));
          room.hidden = !keep;
          any = any || keep;
          shown += keep ? 1 : 0;
        }
        group.hidden = !any;
      }
      status.textContent = words.length ? status.dataset.shown.replace("{count}", shown) : "";
      // Rooms of other cities are folded away: unfold them when they match, leave the fold
      // out when none does.
      for (const far of document.querySelectorAll(".room-picker__far")) {
        const matches = far.querySelector("[data-room-group]:not([hidden])") !== null;
        far.hidden = words.length > 0 && !matches;
        if (words.length && matches) far.open = true;
      }
    };
    box.addEventListener("input", apply);
    // Enter in the filter must not send the request.
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    filter.hidden = false;
  }

  const all = document.getElementById("all-rooms");
  if (all) {
    all.addEventListener("click", (event) => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(all.closest("form"))) {
        // Never a guest's name or e-mail: links end up in histories and server logs.
        if (!["csrf_token", "name", "email"].includes(name) && value !== "") {
          params.append(name, value);
        }
      }
      event.preventDefault();
      window.location.assign(all.pathname + (params.size ? `?${params}` : ""));
    });
  }

  const preview = document.querySelector('.booking-form button[value="preview"]');
  if (preview) {
    const form = preview.form;
    let timer;
    const refresh = async () => {
      const data = new FormData(form);
      data.delete("submission_key"); // a look at the week uses up no submission
      data.set("action", "preview");
      const response = await fetch(window.location.href, { method: "POST", body: data });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("week");
      const shown = document.getElementById("week");
      if (shown && fresh) shown.replaceWith(fresh);
      else if (fresh) form.after(fresh);
      else if (shown) shown.remove();
    };
    form.addEventListener("change", (event) => {
      if (event.target.name === "resource_ids" || event.target.id === "date") {
        clearTimeout(timer);
        timer = setTimeout(refresh, 200);
      }
    });
    preview.hidden = true; // the week now follows every choice by itself
  }
});

// The request form's rooms, as improvements only (without this file the whole list stays and
// the link to all facilities carries what the page was given):
// - a filter box above a long list keeps the rooms whose room, facility or quarter names hold
//   every word typed; checked rooms always stay in sight;
// - the link to the rooms of all facilities takes along everything typed so far.
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
});

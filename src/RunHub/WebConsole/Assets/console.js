// RunHub console: the few things plain HTML cannot do. No framework, no build step; every page works without it
// except for live task status, copying to the clipboard, and dropping files onto an upload field.
"use strict";

// Copy buttons: <button data-copy="ELEMENT-ID">.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = "Copied";
  } catch {
    // Clipboard refused (an insecure origin): select the text so the user can copy it.
    const range = document.createRange();
    range.selectNodeContents(source);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = "Press Ctrl+C";
  }
});

// Drop zones: <label class="drop"><input type="file">…<span class="drop-names"></span></label>.
function showNames(zone, input) {
  const names = zone.querySelector(".drop-names");
  if (names) names.textContent = Array.from(input.files).map((f) => f.name).join(", ");
}
for (const zone of document.querySelectorAll(".drop")) {
  const input = zone.querySelector("input[type=file]");
  if (!input) continue;
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const files = new DataTransfer();
    const limit = input.multiple ? event.dataTransfer.files.length : 1;
    for (const file of Array.from(event.dataTransfer.files).slice(0, limit)) files.items.add(file);
    input.files = files.files;
    showNames(zone, input);
  });
  input.addEventListener("change", () => showNames(zone, input));
}

// Live task status: <section data-live-task="/console/tasks/ID/status" data-status="RUNNING">. Polls once a second
// while the task is queued or running; when it ends, the page is loaded again to show its results.
for (const panel of document.querySelectorAll("[data-live-task]")) {
  const url = panel.dataset.liveTask;
  const status = panel.querySelector("[data-live-status]");
  const progress = panel.querySelector("[data-live-progress]");
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) {
        const task = await response.json();
        if (status) status.textContent = task.status;
        if (progress) progress.textContent = task.progress || "";
        if (task.status !== "QUEUED" && task.status !== "RUNNING") {
          // A GET of the same address, never a reload: the page may be the answer to a form (cancel), which must not be sent again.
          location.replace(location.href);
          return;
        }
      }
    } catch {
      // A failed poll (server restarting) is tried again on the next tick.
    }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

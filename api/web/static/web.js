// danhmuc workspace: progressive additions only; every page works without this script.
"use strict";

function csrfToken() {
  const field = document.querySelector('input[name="csrf"]');
  return field ? field.value : "";
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

// ---------------------------------------------------------------- upload: one request per file, live progress
// the native picker's status text is in the browser's language; say in Vietnamese what was chosen
function showChosen(input) {
  const status = document.getElementById(input.id + "-chosen");
  if (!status) return;
  const count = input.files.length;
  const empty = input.webkitdirectory ? "Chưa chọn thư mục nào" : "Chưa chọn tệp nào";
  status.textContent = count === 0 ? empty : count === 1 ? "Đã chọn: " + input.files[0].name : "Đã chọn " + count + " tệp";
}

function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const pickers = form.querySelectorAll('input[type="file"]');
  for (const input of pickers) input.addEventListener("change", () => showChosen(input));
  form.addEventListener("reset", () => setTimeout(() => pickers.forEach(showChosen), 0));
  form.addEventListener("submit", async (event) => {
    const files = [];
    for (const input of form.querySelectorAll('input[type="file"]')) {
      for (const file of input.files) files.push(file);
    }
    if (!files.length || !window.fetch) return;  // the plain form post says what is missing
    event.preventDefault();
    const section = document.getElementById("progress");
    const body = document.getElementById("progress-rows");
    section.hidden = false;
    const jobs = [];
    for (const file of files) {
      const row = document.createElement("tr");
      const name = file.webkitRelativePath || file.name;
      row.append(cell(name), cell("Đang gửi…", "status"), document.createElement("td"), cell("", "result"));
      body.append(row);
      const data = new FormData();
      data.append("csrf", csrfToken());
      data.append("files", file, file.name);
      data.append("paths", name);
      try {
        const answer = await fetch("/ui/upload", { method: "POST", body: data, headers: { "Accept": "application/json" },
                                                   credentials: "same-origin" });
        if (!answer.ok) throw new Error(answer.status === 413 ? "Tệp quá lớn." : "Máy chủ từ chối (mã " + answer.status + ").");
        const results = await answer.json();
        results.forEach((result, index) => {
          const target = index === 0 ? row : row.parentNode.insertBefore(document.createElement("tr"), row.nextSibling);
          if (index > 0) target.append(cell(result.file), cell("", "status"), document.createElement("td"), cell("", "result"));
          target.cells[0].textContent = result.file;
          if (result.error) {
            target.cells[1].textContent = "Lỗi"; target.cells[1].className = "bad";
            target.cells[3].textContent = result.error; target.cells[3].className = "bad";
          } else {
            target.dataset.job = result.job;
            target.cells[1].textContent = "Đang chờ";
            const bar = document.createElement("progress");
            bar.max = 1; bar.value = 0; bar.setAttribute("aria-label", "Tiến độ " + result.file);
            const pages = document.createElement("span"); pages.className = "pages";
            target.cells[2].append(bar, " ", pages);
            jobs.push(result.job);
          }
        });
      } catch (error) {
        row.cells[1].textContent = "Lỗi"; row.cells[1].className = "bad";
        row.cells[3].textContent = error.message || "Không gửi được tệp."; row.cells[3].className = "bad";
      }
    }
    form.reset();
    pollJobs(body);
  });
}

// ---------------------------------------------------------------- jobs: poll until every row is finished
function pollJobs(container) {
  const rows = () => Array.from(container.querySelectorAll("tr[data-job]")).filter((r) => !r.dataset.finished);
  const tick = async () => {
    const waiting = rows();
    if (!waiting.length) return;
    try {
      const answer = await fetch("/ui/jobs.json?ids=" + waiting.map((r) => r.dataset.job).join(","),
                                 { credentials: "same-origin" });
      const jobs = await answer.json();
      for (const job of jobs) {
        for (const row of container.querySelectorAll('tr[data-job="' + job.id + '"]')) update(row, job);
      }
    } catch (error) { /* a missed poll is retried */ }
    if (rows().length) setTimeout(tick, 800);
  };
  tick();
}

function update(row, job) {
  const status = row.cells[1], bar = row.querySelector("progress"), pages = row.querySelector(".pages");
  const result = row.cells[3];
  status.textContent = job.stage;
  if (bar) bar.value = job.progress;
  // "trang X/Y": pages read so far, as the reader reports them (typed pages first, then OCR'd ones)
  if (pages) pages.textContent = job.pages_text || "";
  if (job.status === "succeeded") {
    row.dataset.finished = "1";
    status.textContent = "Xong";
    result.textContent = "";
    const link = document.createElement("a");
    link.href = job.document; link.textContent = "Mở tài liệu";
    result.append(link);
  } else if (job.status === "failed") {
    row.dataset.finished = "1";
    status.textContent = "Lỗi"; status.className = "bad";
    result.textContent = job.error; result.className = "bad";
  }
}

// ---------------------------------------------------------------- review queue: keyboard
function setupQueue() {
  const queue = document.getElementById("queue");
  if (!queue) return;
  const items = () => Array.from(queue.querySelectorAll(".item:not(.skipped)"));
  let index = 0;
  const focus = (next, move = true) => {
    const list = items();
    if (!list.length) return;
    index = Math.max(0, Math.min(next, list.length - 1));
    list.forEach((item, i) => item.classList.toggle("current", i === index));
    if (move) list[index].focus();
  };
  queue.addEventListener("focusin", (event) => {
    const item = event.target.closest(".item");
    const list = items();
    if (item && list.indexOf(item) >= 0) { index = list.indexOf(item); list.forEach((it) => it.classList.toggle("current", it === item)); }
  });
  queue.addEventListener("click", (event) => {
    const skip = event.target.closest('button[data-key="s"]');
    if (skip) { skip.closest(".item").classList.add("skipped"); focus(index); }
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.matches("input, select, textarea")) return;
    const key = event.key.toLowerCase();
    const current = items()[index];
    if (key === "j") { focus(index + 1); event.preventDefault(); return; }
    if (key === "k") { focus(index - 1); event.preventDefault(); return; }
    if (key === "u") {
      const undo = document.querySelector("button[data-undo]:not([disabled])");
      if (undo) undo.click();
      return;
    }
    if (!current) return;
    const button = current.querySelector('button[data-key="' + key + '"]');
    if (!button) return;
    event.preventDefault();
    const reason = button.form && button.form.querySelector('input[name="reason"][required]');
    if (reason && !reason.value) { reason.focus(); return; }  // a dismissal needs its reason typed first
    button.click();
  });
  if (items().length) focus(0, false);  // marked, not focused: the page opens at its top, notice included
}

document.addEventListener("DOMContentLoaded", () => {
  setupUpload();
  setupQueue();
  const jobs = document.getElementById("jobs");
  if (jobs) pollJobs(jobs);
});

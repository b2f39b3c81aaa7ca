// Keeps background-job status blocks (templates/jobs/_progress.html) up to date.
//
// Each block with data-job-poll is fetched again from its data-job-status-url every second
// and updated in place: the live region's text only when it changed (so a screen reader
// hears changes of status, not every percent), the rest replaced. Polling stops when the job
// has finished (the new block has no data-job-poll), or when the job is no longer visible
// (403, 404). Without JavaScript the block's "Check progress again" link does the same job.
const INTERVAL_MS = 1000;
const RETRY_MS = 5000;

function schedule(block, delay) {
  window.setTimeout(() => refresh(block), delay);
}

async function refresh(block) {
  let response;
  try {
    response = await fetch(block.dataset.jobStatusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html", "X-Requested-With": "fetch" },
    });
  } catch {
    schedule(block, RETRY_MS);
    return;
  }
  if (response.status === 403 || response.status === 404) {
    block.removeAttribute("data-job-poll");
    return;
  }
  if (!response.ok) {
    schedule(block, RETRY_MS);
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  const fresh = template.content.getElementById(block.id);
  if (!fresh) {
    schedule(block, RETRY_MS);
    return;
  }
  const live = block.querySelector("[data-job-live]");
  const freshLive = fresh.querySelector("[data-job-live]");
  if (live && freshLive && live.textContent !== freshLive.textContent) {
    live.innerHTML = freshLive.innerHTML;
  }
  const body = block.querySelector("[data-job-body]");
  const freshBody = fresh.querySelector("[data-job-body]");
  if (body && freshBody) {
    body.replaceWith(freshBody);
  }
  if (fresh.hasAttribute("data-job-poll")) {
    schedule(block, INTERVAL_MS);
  } else {
    block.removeAttribute("data-job-poll");
    block.dataset.jobFinished = "";
  }
}

for (const block of document.querySelectorAll("[data-job-poll][data-job-status-url]")) {
  schedule(block, INTERVAL_MS);
}

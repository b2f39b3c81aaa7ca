// The live event screen: fetch the panel again every few seconds and swap it in.
// Without JavaScript the screen has a "Refresh now" link; nothing here is needed to use it.
const panel = document.querySelector("[data-live-panel]");
if (panel) {
  const url = panel.dataset.liveUrl;
  const seconds = Math.max(2, Number(panel.dataset.liveSeconds) || 5);
  const refresh = async () => {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.ok) {
        panel.innerHTML = await response.text();
      }
    } catch (error) {
      // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(refresh, seconds * 1000);
  };
  window.setTimeout(refresh, seconds * 1000);
}

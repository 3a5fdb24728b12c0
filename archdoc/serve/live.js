// archdoc serve's pages only (never a report.html): when archdoc has rendered a spec again,
// it says so on /events (server-sent events) and the page swaps in its new content.
"use strict";
(() => {
  const since = document.currentScript ? document.currentScript.dataset.version : "0";
  const events = new EventSource("/events?since=" + encodeURIComponent(since || "0"));
  let queue = Promise.resolve();

  async function swap() {
    const response = await fetch(location.href, { cache: "no-store" });
    if (!response.ok) {
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const [x, y] = [window.scrollX, window.scrollY];
    document.title = fresh.title;
    document.head.querySelectorAll("style").forEach((old) => old.remove());
    fresh.head.querySelectorAll("style").forEach((style) => document.head.append(document.adoptNode(style)));
    document.body.replaceWith(document.adoptNode(fresh.body));
    window.scrollTo(x, y);
  }

  events.addEventListener("update", () => {
    queue = queue.then(swap).catch(() => location.reload());
  });
  events.addEventListener("open", () => document.documentElement.classList.remove("offline"));
  events.addEventListener("error", () => document.documentElement.classList.add("offline"));
})();

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
    const kept = diagramState();
    document.title = fresh.title;
    document.head.querySelectorAll("style").forEach((old) => old.remove());
    fresh.head.querySelectorAll("style").forEach((style) => document.head.append(document.adoptNode(style)));
    document.body.replaceWith(document.adoptNode(fresh.body));
    restoreDiagram(kept);
    window.scrollTo(x, y);
  }

  // Where the reader was on the diagram: its zoom step, how far its view is scrolled, and
  // the part a followed link outlines (:target), all kept across a redraw.
  function diagramState() {
    const zoom = document.querySelector("input.zoom:checked");
    const view = document.querySelector(".diagram-view");
    return { zoom: zoom ? zoom.id : null, left: view ? view.scrollLeft : 0, top: view ? view.scrollTop : 0 };
  }

  function restoreDiagram(kept) {
    const zoom = kept.zoom ? document.getElementById(kept.zoom) : null;
    if (zoom) {
      zoom.checked = true;
    }
    const view = document.querySelector(".diagram-view");
    if (view) {
      view.scrollLeft = kept.left;
      view.scrollTop = kept.top;
    }
    if (location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)))) {
      // the new document's :target is only matched after a navigation to it: the same
      // address again, without adding to the history (the page is scrolled back after)
      location.replace(location.href);
    }
  }

  // A render running long: said in the bar (as the page says it when sent during one), the
  // page staying as it is until the render ends
  const status = () => document.querySelector(".bar .status");
  const busy = /^rendering… \(below: (.*)\)$/s;
  events.addEventListener("busy", () => {
    const shown = status();
    if (shown && !busy.test(shown.textContent)) {
      shown.textContent = "rendering… (below: " + shown.textContent + ")";
    }
  });
  events.addEventListener("idle", () => {
    const shown = status();
    const said = shown ? shown.textContent.match(busy) : null;
    if (said) {
      shown.textContent = said[1];
    }
  });

  events.addEventListener("update", () => {
    queue = queue.then(swap).catch(() => location.reload());
  });
  events.addEventListener("open", () => document.documentElement.classList.remove("offline"));
  events.addEventListener("error", () => document.documentElement.classList.add("offline"));
})();

// Stand-in script for the placeholder page (data/web-placeholder): lists the API's
// operations from /openapi.json so the page is of some use until the real app lands.
const main = document.getElementById("app");

function cell(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function routesTable(doc) {
  const table = document.createElement("table");
  table.className = "routes";
  const head = document.createElement("tr");
  for (const name of ["Method", "Path", "Summary"]) head.append(cell("th", name));
  table.append(head);
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== "object" || !("responses" in op)) continue;
      const row = document.createElement("tr");
      row.append(cell("td", method.toUpperCase()), cell("td", path), cell("td", op.summary ?? ""));
      table.append(row);
    }
  }
  return table;
}

async function showRoutes() {
  try {
    const response = await fetch("/openapi.json", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    main.append(routesTable(await response.json()));
  } catch (error) {
    const alert = cell("p", `Could not load /openapi.json: ${error}`);
    alert.setAttribute("role", "alert");
    main.append(alert);
  }
}

if (main) showRoutes();

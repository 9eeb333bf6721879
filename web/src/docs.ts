// The API reference at /docs: Swagger UI, bundled from npm (no CDN), reading
// the server's own /openapi.json. src/docs.css and fixAccessibility() below
// repair what axe finds in Swagger UI's own markup and colours.
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import './docs.css';

const root = document.getElementById('swagger')!;

// Swagger UI renders (and re-renders) with React; these only add or remove
// attributes React does not set again on update, so they are re-applied to
// whatever new nodes appear.
function fixAccessibility(): void {
  // The servers <select> sits in an empty <label>; its visible title is the
  // "Servers" text beside it (axe select-name).
  for (const select of root.querySelectorAll<HTMLSelectElement>('select#servers:not([aria-label])')) {
    select.setAttribute('aria-label', 'Servers');
  }
  // Each operation's summary is a <button> that wraps a deep link to the
  // operation (axe nested-interactive: a link inside a button). The button
  // already opens the operation and puts its deep link in the address bar,
  // so the inner <a> loses its href and with it its focus stop and link role;
  // its text stays part of the button's name.
  for (const link of root.querySelectorAll('.opblock-summary-control a[href]')) {
    link.removeAttribute('href');
  }
  // Inside an open operation, after "Try it out": the request body and the
  // selects of enum parameters have no label, and the code samples scroll
  // sideways without a way to reach them by keyboard.
  for (const body of root.querySelectorAll('textarea.body-param__text:not([aria-label])')) {
    body.setAttribute('aria-label', 'Request body');
  }
  for (const select of root.querySelectorAll('tr[data-param-name] select:not([aria-label])')) {
    const row = select.closest('tr')!;
    select.setAttribute('aria-label', `${row.dataset.paramName} (${row.dataset.paramIn})`);
  }
  // An operation with several examples (request bodies, responses, filter
  // parameters) gets an unlabelled <select> to pick one.
  for (const select of root.querySelectorAll('select.examples-select-element:not([aria-label])')) {
    select.setAttribute('aria-label', 'Example');
  }
  for (const code of root.querySelectorAll('.highlight-code > pre:not([tabindex])')) {
    code.setAttribute('tabindex', '0');
  }
  // The Authorize dialog's close icon (its "Close" button is another).
  for (const close of root.querySelectorAll('button.close-modal:not([aria-label])')) {
    close.setAttribute('aria-label', 'Close dialog');
  }
}

new MutationObserver(fixAccessibility).observe(root, { childList: true, subtree: true });

SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger',
  deepLinking: true,
  // "Try it out" calls this same server; it stays one click away rather
  // than open on every operation.
  tryItOutEnabled: false,
});

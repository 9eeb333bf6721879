// The API reference at /docs: Swagger UI, bundled from npm (no CDN), reading
// the server's own /openapi.json.
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';

SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger',
  deepLinking: true,
  // "Try it out" calls this same server; it stays one click away rather
  // than open on every operation.
  tryItOutEnabled: false,
});

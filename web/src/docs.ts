// The API reference at /docs: Swagger UI, bundled from npm (no CDN), reading
// the server's own /openapi.json.
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';

SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger',
  deepLinking: true,
  // Requests made with "Try it out" go to this same server.
  tryItOutEnabled: false,
});

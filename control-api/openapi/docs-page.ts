import express, { type Express } from 'express';
import swaggerUiDist from 'swagger-ui-dist';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Softswitch control API</title>
<link rel="stylesheet" href="/v1/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/v1/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#swagger-ui' });`;

/** GET /v1/openapi.json and a Swagger UI page at /v1/docs served from swagger-ui-dist (no network needed). */
export function mountDocs(app: Express, document: unknown): void {
  const json = JSON.stringify(document);
  app.get('/v1/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  app.use('/v1/docs/assets', express.static(swaggerUiDist.getAbsoluteFSPath(), { index: false, maxAge: '1h' }));
  app.get('/v1/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  app.get('/v1/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
}

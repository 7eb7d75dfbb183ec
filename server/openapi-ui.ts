// Swagger UI at /docs: served by @fastify/swagger-ui under the same CSP as every page (its index.html
// loads only its own files, no inline script). Its theme draws Chinese with the bundled Noto Sans SC,
// as the console does: an intranet PC without a CJK system font showed the API's Chinese as boxes.
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

const FONT_CSS = `
@import url('/fonts/noto-sans-sc/400.css');
@import url('/fonts/noto-sans-sc/700.css');
.swagger-ui, .swagger-ui * { font-family: 'Noto Sans SC', system-ui, sans-serif !important; }
.swagger-ui code, .swagger-ui pre, .swagger-ui textarea, .swagger-ui .microlight, .swagger-ui .model, .swagger-ui .prop-format,
.swagger-ui .parameter__type, .swagger-ui .opblock-summary-path, .swagger-ui .opblock-summary-path * { font-family: ui-monospace, monospace, 'Noto Sans SC' !important; }
`;

export const SWAGGER_UI_OPTIONS: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  theme: { title: 'Crier API · 反诈宣传屏幕与广播排播', css: [{ filename: 'crier-fonts.css', content: FONT_CSS }] },
};

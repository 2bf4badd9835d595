// Renders the service's own OpenAPI document (the contract as implemented). No
// "Try it out" against other servers and no calls home: the validator badge is off.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.yaml',
    dom_id: '#api-reference',
    deepLinking: true,
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0
  });
};

"use client";

import SwaggerUI from "swagger-ui-react";
import "swagger-ui-react/swagger-ui.css";

// Reading only: no "Try it out", and no Authorize button, so the page never holds a key.
const NO_AUTHORIZE = () => ({ wrapComponents: { authorizeBtn: () => () => null } });

/**
 * Swagger UI over the API's own document. It fits the app's CSP as it is, so this page is given
 * no relaxation: its script is part of Next's bundle (script-src 'self'), its stylesheet is
 * bundled CSS, the styles it sets at run time are React style props (already allowed for every
 * page), and it fetches only the document, from this origin (connect-src 'self').
 * e2e/api-docs.spec.ts records violations to keep it so.
 */
export default function SwaggerViewer({ url }: { url: string }) {
  return (
    <SwaggerUI
      url={url}
      supportedSubmitMethods={[]}
      tryItOutEnabled={false}
      persistAuthorization={false}
      plugins={[NO_AUTHORIZE]}
      docExpansion="list"
      defaultModelsExpandDepth={0}
    />
  );
}

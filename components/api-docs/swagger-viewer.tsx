"use client";

import SwaggerUI from "swagger-ui-react";
import "swagger-ui-react/swagger-ui.css";

// Reading only: no "Try it out", and no Authorize button, so the page never holds a key.
const NO_AUTHORIZE = () => ({ wrapComponents: { authorizeBtn: () => () => null } });

/** Swagger UI over the API's own document (fetched from this origin: connect-src 'self'). */
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

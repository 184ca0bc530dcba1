"use client";

import dynamic from "next/dynamic";

/**
 * The REST API reference. Swagger UI (about a megabyte of script and its stylesheet) is loaded
 * in the browser on this page only; the server never renders it.
 */
const SwaggerViewer = dynamic(() => import("./swagger-viewer"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-600">Loading the API reference…</p>,
});

export function ApiReference({ documentUrl }: { documentUrl: string }) {
  return (
    <div data-testid="api-reference" className="rounded-lg border border-slate-200 bg-white">
      <SwaggerViewer url={documentUrl} />
    </div>
  );
}

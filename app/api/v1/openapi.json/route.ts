import { openApiDocument } from "@/lib/api/openapi";

// Public and without a key: the document describes the API and holds no data.
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}

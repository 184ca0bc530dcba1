import { getDb } from "@/db/client";
import { serveCustomCode } from "@/lib/branding/assets-http";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  return serveCustomCode(await getDb(), (await params).file, request);
}

import { getDb } from "@/db/client";
import { serveBrandingImage } from "@/lib/branding/assets-http";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  return serveBrandingImage(await getDb(), (await params).file, request);
}

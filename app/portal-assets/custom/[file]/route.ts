import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { serveCustomCode } from "@/lib/branding/assets-http";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  // The draft's code is for the branding editors' preview only; published code is public.
  const mayPreviewDraft = async () => {
    const user = await getCurrentUser();
    return user !== null && can(user.role, "branding:manage");
  };
  return serveCustomCode(await getDb(), (await params).file, request, mayPreviewDraft);
}

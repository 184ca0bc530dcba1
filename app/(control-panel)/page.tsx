import { redirect } from "next/navigation";
import { requireStaff } from "@/lib/auth/session";

export default async function ControlPanelHome() {
  await requireStaff();
  redirect("/audit-log");
}

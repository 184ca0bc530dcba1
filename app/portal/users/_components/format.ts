/** Shared by the users list and a user's page. */
export const STATUS_STYLE: Record<string, string> = {
  active: "bg-green-50 text-green-800",
  invited: "bg-amber-50 text-amber-800",
  disabled: "bg-slate-100 text-slate-600",
};

export function formatSignIn(at: Date | null, timeZone: string): string {
  if (!at) return "Never";
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(at);
}

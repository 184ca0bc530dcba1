import type { OpenSession } from "@/lib/auth/user-sessions";
import { SignOutOthersForm } from "./sign-out-others-form";

type Action = React.ComponentProps<typeof SignOutOthersForm>["action"];

/** "Chrome on Linux" from a user agent: enough to tell one's own devices apart. */
function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const browser =
    [
      [/Edg\//, "Edge"],
      [/Firefox\//, "Firefox"],
      [/(Chrome|Chromium)\//, "Chrome"],
      [/Safari\//, "Safari"],
    ].find(([re]) => (re as RegExp).test(userAgent))?.[1] ?? "Browser";
  const os =
    [
      [/Android/, "Android"],
      [/iPhone|iPad/, "iOS"],
      [/Windows/, "Windows"],
      [/Mac OS X|Macintosh/, "macOS"],
      [/Linux/, "Linux"],
    ].find(([re]) => (re as RegExp).test(userAgent))?.[1] ?? null;
  return os ? `${String(browser)} on ${String(os)}` : String(browser);
}

function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(at);
}

/**
 * The signed-in user's open sessions, this one marked, with "Sign out other sessions". Shared by
 * the Control Panel's and the Portal's profile pages.
 */
export function SessionList({
  sessions,
  currentSessionId,
  timeZone,
  action,
}: {
  sessions: OpenSession[];
  currentSessionId: string | null;
  timeZone: string;
  action: Action;
}) {
  const others = sessions.filter((s) => s.id !== currentSessionId).length;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        Where you are signed in. A session ends when you sign out, after a period without activity,
        or when your password or access changes.
      </p>
      <table data-testid="sessions-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th className="py-2 pr-3">Device</th>
            <th className="py-2 pr-3">IP address</th>
            <th className="py-2 pr-3">Signed in</th>
            <th className="py-2 pr-3">Last active</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sessions.map((s) => (
            <tr key={s.id} data-testid="session-row">
              <td className="py-2 pr-3" title={s.userAgent ?? undefined}>
                {describeDevice(s.userAgent)}
                {s.id === currentSessionId ? (
                  <span className="ml-2 rounded-full bg-green-50 px-2 py-0.5 text-xs text-green-800">
                    This session
                  </span>
                ) : null}
              </td>
              <td className="py-2 pr-3 font-mono text-xs">{s.ip ?? "—"}</td>
              <td className="py-2 pr-3">{formatTime(s.createdAt, timeZone)}</td>
              <td className="py-2 pr-3">{formatTime(s.lastSeenAt, timeZone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SignOutOthersForm action={action} others={others} />
    </div>
  );
}

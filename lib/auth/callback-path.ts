/** Only same-site paths may be returned to after sign-in: never another origin. */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return "/";
  if (value.includes("\\") || /[\u0000-\u001f]/.test(value)) return "/";
  return value.startsWith("/login") ? "/" : value;
}

const isPortalPath = (path: string) => /^\/portal(?:[/?#]|$)/.test(path);

/**
 * Where a user goes right after signing in: the page they were sent away from when it belongs to
 * their own application, else their application's home (portal users straight to /portal, staff
 * to the audit log), with no stop at "/" on the way.
 */
export function landingPath(callback: string, home: string): string {
  if (callback === "/") return home;
  return isPortalPath(callback) === isPortalPath(home) ? callback : home;
}

/** Only same-site paths may be returned to after sign-in: never another origin. */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return "/";
  if (value.includes("\\") || /[\u0000-\u001f]/.test(value)) return "/";
  return value.startsWith("/login") ? "/" : value;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * The hosts a connection string points at, the way postgres.js reads it: the authority part
 * (possibly a comma-separated list), or `?host=` which wins; an empty host means PGHOST or
 * localhost. Parsed by hand because `new URL` rejects an empty host and multi-host lists.
 */
export function hostsOf(url: string): string[] {
  const afterScheme = url.replace(/^[a-z]+:\/\//i, "");
  const authority = afterScheme.split(/[/?]/)[0] ?? "";
  const hostPart = authority.slice(authority.lastIndexOf("@") + 1);
  const query = url.includes("?") ? new URLSearchParams(url.slice(url.indexOf("?") + 1)) : null;
  const raw = query?.get("host") ?? hostPart;
  const hosts = raw
    .split(",")
    .map((h) => decodeURIComponent(h.trim()))
    .map((h) => (h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d+$/, "")))
    .filter(Boolean);
  return hosts.length > 0 ? hosts : [process.env.PGHOST || "localhost"];
}

/** Tests and the bench write and wipe data freely, so they only run against this machine. */
export function isLocalDatabaseUrl(url: string): boolean {
  return hostsOf(url).every((h) => h.startsWith("/") || LOCAL_HOSTS.has(h.toLowerCase()));
}

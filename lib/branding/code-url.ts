import { sha256Hex } from "./fields";
import { customCodeUrl } from "./urls";

/** The URL custom CSS or JavaScript is served from, or null when there is none to load. */
export function customCodeUrlFor(kind: "css" | "js", content: string): string | null {
  return content.trim() === "" ? null : customCodeUrl(kind, sha256Hex(content));
}

import { sha256Hex } from "./fields";
import { customCodeUrl } from "./urls";

/**
 * The file custom CSS or JavaScript is served as (`<sha256>.css|js`), or null when it is blank:
 * blank code is neither linked nor served.
 */
export function customCodeFile(kind: "css" | "js", content: string | null): string | null {
  return content && content.trim() !== "" ? `${sha256Hex(content)}.${kind}` : null;
}

/** The URL custom CSS or JavaScript is served from, or null when there is none to load. */
export function customCodeUrlFor(kind: "css" | "js", content: string): string | null {
  return content.trim() === "" ? null : customCodeUrl(kind, sha256Hex(content));
}

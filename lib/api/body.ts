import { problem } from "@/lib/http/problem";

/** Request bodies past this are refused with 413 before they are read to the end. */
const MAX_BODY_BYTES = 1_048_576;

/**
 * Deeper JSON is refused. JSON.parse takes any depth, but what reads the body afterwards (the
 * idempotency fingerprint's JSON.stringify, the NUL scan, zod) recurses: a 1 MiB body of
 * brackets overflowed the stack, a 500. No request of this API nests past a handful of levels.
 */
const MAX_DEPTH = 32;

/** Whether the (valid) JSON text nests deeper than MAX_DEPTH, counting brackets outside strings. */
function nestsTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export type JsonObject = Record<string, unknown>;

/**
 * The JSON object a POST or PUT carries, or the problem to answer with: 415 for anything but
 * application/json, 413 past the limit (declared or read), 400 for malformed JSON or a body that
 * is not an object. The stream is read with a running count, so a chunked body without a length
 * cannot exceed the limit either.
 */
export async function readJsonObject(
  req: Request,
  limit = MAX_BODY_BYTES,
): Promise<JsonObject | Response> {
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json" && !type?.endsWith("+json")) {
    return problem({ status: 415, detail: "Send the body as application/json." });
  }
  const tooLarge = () =>
    problem({ status: 413, detail: `The body is larger than ${limit} bytes.` });
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return tooLarge();

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return problem({ status: 400, detail: "The body is not valid JSON." });
  }
  if (nestsTooDeep(text)) {
    return problem({ status: 400, detail: `The body nests deeper than ${MAX_DEPTH} levels.` });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return problem({ status: 400, detail: "The body must be a JSON object." });
  }
  return parsed as JsonObject;
}

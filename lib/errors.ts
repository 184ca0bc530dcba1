/** An expected failure whose message is safe to show the user (not found, conflict, refused). */
export class AppError extends Error {
  constructor(
    message: string,
    readonly kind: "not_found" | "conflict" | "forbidden" | "invalid" = "invalid",
    readonly fieldErrors?: Record<string, string[]>,
    /**
     * Machine-readable detail beyond the field errors, for doors that answer with a document
     * (the REST API adds them to its problem+json as RFC 9457 extension members). Forms ignore it.
     */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** An expected failure whose message is safe to show the user (not found, conflict, refused). */
export class AppError extends Error {
  constructor(
    message: string,
    readonly kind: "not_found" | "conflict" | "forbidden" | "invalid" = "invalid",
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

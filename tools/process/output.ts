/**
 * What the e2e harness and the bench share about their children's output: the error whose
 * message is the whole story, and the tail of what a child said.
 */

/** An error whose message is the whole story: the runners print it without a stack trace. */
export class ToolError extends Error {}

/** Keeps the last lines of a child's output, so a failure can show what the child said. */
export class OutputTail {
  private lines: string[] = [];
  private partial = "";

  constructor(private readonly limit = 300) {}

  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split("\n");
    this.partial = parts.pop() ?? "";
    this.lines.push(...parts);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  text(maxLines = this.limit): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-maxLines).join("\n");
  }
}

export function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

import { spawn } from "node:child_process";
import { OutputTail, ToolError, indent } from "./output";

export type RunOptions = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
};

/** Runs a command to completion, quietly; a non-zero exit becomes a ToolError with its output. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const output = new OutputTail(200);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("error", (err) => reject(new ToolError(`Could not run ${command}: ${err.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) {
        resolve(output.text());
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = output.text(60);
      reject(
        new ToolError(
          `\`${[command, ...args].join(" ")}\` ${how}` +
            (said ? `; its output:\n${indent(said)}` : ""),
        ),
      );
    });
  });
}

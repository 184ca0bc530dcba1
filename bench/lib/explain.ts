/**
 * EXPLAIN (ANALYZE, BUFFERS) of a statement the product sent, and a short reading of it: which
 * nodes ran, how many rows each threw away, where the time went.
 */

type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const NODE =
  /^(\s*)(?:->\s+)?(.+?)\s+\(cost=[^)]*\)\s+\(actual time=([\d.]+)\.\.([\d.]+) rows=(\d+) loops=(\d+)\)/;

type Node = {
  depth: number;
  name: string;
  ms: number;
  rows: number;
  loops: number;
  removed: number;
  buffers: string;
};

function parseNodes(plan: string[]): Node[] {
  const nodes: Node[] = [];
  for (const line of plan) {
    const m = NODE.exec(line);
    if (m) {
      nodes.push({
        depth: m[1]!.length,
        name: m[2]!,
        ms: Number(m[4]),
        rows: Number(m[5]),
        loops: Number(m[6]),
        removed: 0,
        buffers: "",
      });
      continue;
    }
    const last = nodes.at(-1);
    if (!last) continue;
    const removed = /Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(line);
    if (removed) last.removed += Number(removed[1]);
    const buffers = /Buffers: (.+)$/.exec(line);
    if (buffers && !last.buffers) last.buffers = buffers[1]!;
  }
  return nodes;
}

function readPlan(plan: string[]): string[] {
  const nodes = parseNodes(plan);
  const out: string[] = [];
  const exec = plan.find((l) => l.startsWith("Execution Time"));
  const planning = plan.find((l) => l.startsWith("Planning Time"));
  if (exec) out.push(`${exec}${planning ? `; ${planning.toLowerCase()}` : ""}`);
  for (const n of nodes.slice(0, 10)) {
    const parts = [
      `\`${n.name}\`: ${n.ms} ms, ${n.rows.toLocaleString("en-US")} rows × ${n.loops} loops`,
    ];
    if (n.removed > 0)
      parts.push(`${n.removed.toLocaleString("en-US")} rows removed by filter/recheck`);
    if (n.buffers) parts.push(`buffers ${n.buffers}`);
    out.push(`${"  ".repeat(Math.min(4, Math.floor(n.depth / 6)))}${parts.join("; ")}`);
  }
  const seq = nodes.find((n) => /Seq Scan on audit_log/.test(n.name));
  const limited = nodes.some((n) => n.name === "Limit");
  if (seq && limited) {
    const examined = seq.rows + seq.removed;
    out.push(
      `Reading: a sequential scan that stops at the LIMIT: it examined ${examined.toLocaleString("en-US")} ` +
        `rows to keep ${seq.rows.toLocaleString("en-US")} (1 in ${Math.round(examined / Math.max(1, seq.rows))}), ` +
        "evaluating the filter on each — the cost grows with the rows examined, not with the answer.",
    );
  } else if (seq) {
    out.push("Reading: a sequential scan of the whole audit_log (no index serves this condition).");
  }
  const wasteful = nodes.find((n) => /Index (Only )?Scan/.test(n.name) && n.removed > 10_000);
  if (wasteful) {
    out.push(
      `Reading: \`${wasteful.name}\` walks the index in page order and discards ` +
        `${wasteful.removed.toLocaleString("en-US")} rows that fail the filter — the filter has no ` +
        "index of its own that the planner could combine, so the cost grows with how rare matches are.",
    );
  }
  if (
    nodes.some((n) => /^Sort/.test(n.name)) &&
    nodes.some((n) => /Bitmap Heap Scan/.test(n.name))
  ) {
    out.push(
      "Reading: every match is collected through bitmap index scans, then sorted for the page.",
    );
  }
  return out;
}

export async function explain(
  raw: Raw,
  sql: string,
  params: unknown[],
): Promise<{ plan: string[]; summary: string[] }> {
  const rows = await raw(`explain (analyze, buffers) ${sql}`, params);
  const plan = rows.map((r) => String(r["QUERY PLAN"]));
  return { plan, summary: readPlan(plan) };
}

/**
 * Finds every entry point a request can reach, from the source tree itself, so the authorization
 * matrix cannot silently miss one: page routes (app/**\/page.tsx), route handlers (each HTTP
 * method exported by app/**\/route.ts) and server actions (each export of a "use server" module,
 * plus any inline "use server" function, which the matrix cannot call and so must not exist).
 * Plain fs and the TypeScript parser: no Next build, no app code loaded.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

type PageEntry = { kind: "page"; route: string; file: string };
type HandlerEntry = { kind: "handler"; method: HttpMethod; route: string; file: string };
type ActionEntry = { kind: "action"; module: string; name: string };
export type EntryPoint = PageEntry | HandlerEntry | ActionEntry;

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** The key an entry point and its matrix row share: "page /accounts/[id]", "GET /x", "action m#f". */
export function keyOf(entry: EntryPoint): string {
  switch (entry.kind) {
    case "page":
      return `page ${entry.route}`;
    case "handler":
      return `${entry.method} ${entry.route}`;
    case "action":
      return `action ${entry.module}#${entry.name}`;
  }
}

const SOURCE = /\.(ts|tsx|js|jsx|mjs)$/;

function walk(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (SOURCE.test(name) && !/\.(test|spec)\.[a-z]+$/.test(name)) out.push(full);
  }
  return out;
}

/**
 * The URL pattern of a file under app/: route groups "(x)" and parallel-route slots "@x" leave
 * no trace in the URL; a private folder "_x" opts its whole subtree out of routing.
 */
function routeOf(appDir: string, file: string): string | null {
  const segments = path.relative(appDir, path.dirname(file)).split(path.sep).filter(Boolean);
  if (segments.some((s) => s.startsWith("_"))) return null;
  const kept = segments.filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith("@"));
  return "/" + kept.join("/");
}

function parse(file: string): ts.SourceFile {
  const kind = file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, kind);
}

const hasExport = (node: ts.Node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const hasDefault = (node: ts.Node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

function bindingNames(name: ts.BindingName, out: string[]) {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

/**
 * The runtime names a module exports (types left out). `export * from` is refused: the names
 * would live in another file, and a route's methods must be visible where the route is.
 */
function exportedNames(file: string): string[] {
  const source = parse(file);
  const names: string[] = [];
  for (const st of source.statements) {
    if (ts.isExportAssignment(st)) names.push("default");
    else if (ts.isExportDeclaration(st)) {
      if (st.isTypeOnly) continue;
      if (!st.exportClause) throw new Error(`${file}: "export * from" hides what it exports`);
      if (ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) if (!el.isTypeOnly) names.push(el.name.text);
      } else names.push(st.exportClause.name.text);
    } else if (hasExport(st)) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) bindingNames(d.name, names);
      } else if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) {
        names.push(hasDefault(st) ? "default" : (st.name?.text ?? "default"));
      } else if (ts.isEnumDeclaration(st)) names.push(st.name.text);
    }
  }
  return names;
}

const isUseServer = (st: ts.Statement | undefined) =>
  st !== undefined &&
  ts.isExpressionStatement(st) &&
  ts.isStringLiteral(st.expression) &&
  st.expression.text === "use server";

/** Functions whose body starts with "use server": inline server actions, e.g. in a page. */
function inlineServerFunctions(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body && ts.isBlock(node.body)) {
      if (isUseServer(node.body.statements[0])) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : "anonymous";
        found.push(`<inline ${name} at line ${line}>`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every page, route handler method and server action under `root` (the repository). */
export function enumerateEntryPoints(
  root: string,
  options: { appDir?: string; actionDirs?: readonly string[] } = {},
): EntryPoint[] {
  const appDir = path.join(root, options.appDir ?? "app");
  const entries: EntryPoint[] = [];
  for (const file of walk(appDir)) {
    const base = path.basename(file).replace(SOURCE, "");
    const rel = path.relative(root, file).split(path.sep).join("/");
    if (base === "page" || base === "route") {
      const route = routeOf(appDir, file);
      if (route === null) continue;
      if (base === "page") entries.push({ kind: "page", route, file: rel });
      else {
        for (const name of exportedNames(file)) {
          if ((HTTP_METHODS as readonly string[]).includes(name)) {
            entries.push({ kind: "handler", method: name as HttpMethod, route, file: rel });
          }
        }
      }
    }
  }
  // Server actions may live wherever a "use server" module is, not only under app/.
  for (const dir of options.actionDirs ?? ["app", "components", "lib"]) {
    for (const file of walk(path.join(root, dir))) {
      const source = parse(file);
      const rel = path.relative(root, file).split(path.sep).join("/");
      if (isUseServer(source.statements[0])) {
        for (const name of exportedNames(file)) entries.push({ kind: "action", module: rel, name });
      }
      for (const name of inlineServerFunctions(source)) {
        entries.push({ kind: "action", module: rel, name });
      }
    }
  }
  return entries;
}

/**
 * Makes operator-supplied markup safe to serve: the portal footer (HTML shown on every portal
 * page) and SVG logos/favicons (served as images from this origin).
 */
import createDOMPurify, { type DOMPurify } from "dompurify";
import { JSDOM, type DOMWindow } from "jsdom";

const SVG_NS = "http://www.w3.org/2000/svg";

type Sanitizers = { window: DOMWindow; footer: DOMPurify; svg: DOMPurify };

// A jsdom window is expensive to build and DOMPurify is synchronous, so one window per process is
// shared by every call. Each use gets its own DOMPurify instance because hooks are per instance.
let shared: Sanitizers | undefined;
function sanitizers(): Sanitizers {
  if (!shared) {
    const window = new JSDOM("").window;
    const footer = createDOMPurify(window);
    footer.addHook("afterSanitizeAttributes", secureLinkTargets);
    shared = { window, footer, svg: createDOMPurify(window) };
  }
  return shared;
}

/**
 * DOMPurify reports the <body> it parses the input into as removed, on every call with content;
 * that is not something taken out of the operator's markup.
 */
function droppedSomething(purify: DOMPurify): boolean {
  return purify.removed.some((r) => !("element" in r) || !isParserWrapper(r.element));
}
// FORCE_BODY parses the input after a placeholder <remove> element that DOMPurify then drops.
const isParserWrapper = (node: Node) => ["BODY", "HEAD", "HTML", "REMOVE"].includes(node.nodeName);

const FOOTER_TAGS = ["p", "br", "a", "strong", "em", "b", "i", "span", "small", "ul", "ol", "li"];
// Absolute http(s), mailto and tel links, and paths on this site ("/portal/profile", not "//host").
const LINK_SCHEMES = /^(?:(?:https?|mailto|tel):|\/(?!\/))/i;

/** A footer link that opens a new tab must not hand the portal's window to the page it opens. */
function secureLinkTargets(node: Element) {
  if (node.nodeName !== "A" || !node.hasAttribute("target")) return;
  const target = node.getAttribute("target");
  if (target === "_blank") node.setAttribute("rel", "noopener noreferrer");
  else if (target !== "_self") node.removeAttribute("target");
}

/**
 * The footer with only text, simple formatting and http(s)/mailto/tel/site-path links left. `removed` tells
 * the editor that part of what they wrote (a script, a handler, an unsupported tag) was dropped.
 */
export function sanitizeFooterHtml(html: string): { html: string; removed: boolean } {
  // DOMPurify reports its FORCE_BODY placeholder (and a comment) removed from empty input.
  if (html.trim() === "") return { html: "", removed: false };
  const { footer } = sanitizers();
  const clean = footer.sanitize(html, {
    ALLOWED_TAGS: FOOTER_TAGS,
    ALLOWED_ATTR: ["href", "title", "target", "rel"],
    ALLOWED_URI_REGEXP: LINK_SCHEMES,
    // The strict URI pattern would otherwise also be applied to target and rel values.
    ADD_URI_SAFE_ATTR: ["target", "rel"],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    // Otherwise a leading <script> or <style> is moved to <head> and dropped without being
    // counted in `removed`, and the editor is not told.
    FORCE_BODY: true,
  });
  return { html: clean, removed: droppedSomething(footer) };
}

/**
 * Parses `text` as an SVG document: its root <svg> element, or null when it is not well-formed
 * XML with an <svg> root. Entities declared in a DOCTYPE are not expanded (the parse fails).
 */
export function parseSvgRoot(text: string): Element | null {
  const { window } = sanitizers();
  const doc = new window.DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (!root || doc.getElementsByTagName("parsererror").length > 0) return null;
  const svgNamespace = root.namespaceURI === SVG_NS || root.namespaceURI === null;
  return root.localName === "svg" && svgNamespace ? root : null;
}

/** A same-document reference ("#logo-gradient"): the only kind an SVG asset may make. */
const FRAGMENT = /^#[\w.:-]+$/;
/** Every url(…) in a CSS value, with its target unquoted. */
const CSS_URLS = /url\s*\(\s*(['"]?)(.*?)\1\s*\)/gi;

function refersOutside(css: string): boolean {
  // CSS escapes could spell "url(" or "@import" in a way these patterns do not see.
  if (css.includes("\\") || /@import/i.test(css)) return true;
  return [...css.matchAll(CSS_URLS)].some((m) => !FRAGMENT.test((m[2] ?? "").trim()));
}

/**
 * Drops what DOMPurify's SVG profile still lets through but an image served from our origin must
 * not do: load anything from elsewhere (href, url() in attributes and style sheets, @import).
 * Returns how many things it removed.
 */
function removeExternalReferences(root: Element): number {
  let removed = 0;
  for (const el of [root, ...root.querySelectorAll("*")]) {
    if (el.localName === "style") {
      // A style sheet gets no url() at all, not even to a fragment: simpler to check, rarely used.
      if (/url\s*\(|@import|\\/i.test(el.textContent ?? "")) {
        el.remove();
        removed++;
      }
      continue;
    }
    for (const attr of [...el.attributes]) {
      const value = attr.value;
      const css = attr.name === "style" || /url\s*\(/i.test(value);
      const external =
        attr.localName === "href" ? !FRAGMENT.test(value.trim()) : css && refersOutside(value);
      // DOMPurify already drops handlers; checked again because one slipping through is a script.
      if (external || attr.localName.toLowerCase().startsWith("on")) {
        el.removeAttributeNode(attr);
        removed++;
      }
    }
  }
  return removed;
}

/**
 * The SVG with scripts, event handlers, foreignObject, style sheets using url() and every
 * external reference removed, serialised as a standalone XML document. `removed` is true when
 * anything was taken out. Input that is not an SVG document comes back empty, `removed` true.
 */
export function sanitizeSvg(svg: string): { svg: string; removed: boolean } {
  const { window, svg: purify } = sanitizers();
  const parsed = parseSvgRoot(svg);
  if (!parsed) return { svg: "", removed: true };
  // Re-serialising the parsed root leaves out the XML prolog, DOCTYPE and anything after the
  // root; DOMPurify then parses it as HTML, whose SVG rules keep viewBox, clipPath … in case.
  const fragment = purify.sanitize(new window.XMLSerializer().serializeToString(parsed), {
    USE_PROFILES: { svg: true, svgFilters: true },
    FORBID_TAGS: ["script", "foreignObject"],
    RETURN_DOM_FRAGMENT: true,
  });
  const root = fragment.firstElementChild;
  if (!root || root.localName !== "svg") return { svg: "", removed: true };
  const ownRemovals = removeExternalReferences(root);
  return {
    // XML serialisation, not innerHTML: the result must be a well-formed standalone SVG file
    // (HTML would write &nbsp; and the like, and may leave out the SVG namespace declaration).
    svg: new window.XMLSerializer().serializeToString(root),
    removed: droppedSomething(purify) || ownRemovals > 0,
  };
}

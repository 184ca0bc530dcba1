import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { parseSvgRoot, sanitizeFooterHtml, sanitizeSvg } from "@/lib/branding/sanitize";

const FOOTER =
  '<p>© Northbridge Voice Ltd · <a href="https://status.northbridge.example">Network status</a> · ' +
  '<a href="mailto:support@northbridge.example">support@northbridge.example</a> · ' +
  '<a href="tel:+442079460000">+44 20 7946 0000</a></p>';

describe("footer HTML", () => {
  it("keeps text, formatting and http(s)/mailto/tel links untouched", () => {
    const html = `${FOOTER}<ul><li><strong>24/7</strong> <em>NOC</em> <small>(UK)</small></li></ul>`;
    expect(sanitizeFooterHtml(html)).toEqual({ html, removed: false });
  });

  it("removes scripts, event handlers and javascript: links, keeping the links and text", () => {
    const { html, removed } = sanitizeFooterHtml(
      `${FOOTER}<script>alert(1)</script><img src=x onerror="alert(2)">` +
        '<p onclick="steal()">Terms: <a href="javascript:alert(3)">read</a></p>',
    );
    expect(removed).toBe(true);
    expect(html).not.toMatch(/script|onerror|onclick|javascript:|<img|alert/i);
    expect(html).toContain('<a href="https://status.northbridge.example">Network status</a>');
    expect(html).toContain('<a href="mailto:support@northbridge.example">');
    expect(html).toContain('<a href="tel:+442079460000">');
    expect(html).toContain("<p>Terms: <a>read</a></p>");
  });

  it("allows no other link schemes, obfuscated or not", () => {
    const { html, removed } = sanitizeFooterHtml(
      '<a href="data:text/html,<b>x</b>">a</a><a href=" jav&#x09;ascript:alert(1)">b</a>' +
        '<a href="vbscript:x">c</a><a href="//evil.example/">d</a>',
    );
    expect(removed).toBe(true);
    expect(html).toBe("<a>a</a><a>b</a><a>c</a><a>d</a>");
  });

  it("keeps links to pages of this site, but not protocol-relative ones to another host", () => {
    const { html } = sanitizeFooterHtml(
      '<a href="/portal/profile">Profile</a><a href="//x.example/">x</a>',
    );
    expect(html).toBe('<a href="/portal/profile">Profile</a><a>x</a>');
  });

  it("reports a leading script or style as removed (it is not silently moved away)", () => {
    for (const input of ["<script>alert(1)</script><p>Hi</p>", "<style>p{}</style><p>Hi</p>"]) {
      expect(sanitizeFooterHtml(input), input).toEqual({ html: "<p>Hi</p>", removed: true });
    }
  });

  it("gives new-tab links rel=noopener noreferrer and drops other targets", () => {
    const { html } = sanitizeFooterHtml(
      '<a href="https://a.example" target="_blank" rel="opener">a</a>' +
        '<a href="https://b.example" target="portal-frame">b</a>',
    );
    expect(html).toBe(
      '<a href="https://a.example" target="_blank" rel="noopener noreferrer">a</a>' +
        '<a href="https://b.example">b</a>',
    );
  });

  it("unwraps unsupported tags and drops attributes outside the allowlist", () => {
    const { html, removed } = sanitizeFooterHtml(
      '<div class="x"><span style="color:red" data-x="1" aria-label="y">Hi</span></div>' +
        "<style>body{display:none}</style><iframe src=https://x></iframe>",
    );
    expect(removed).toBe(true);
    expect(html).toBe("<span>Hi</span>");
  });

  it("reports nothing removed for plain text or an empty footer", () => {
    expect(sanitizeFooterHtml("")).toEqual({ html: "", removed: false });
    // Without "<" nothing can be markup, so DOMPurify hands the text back as it came.
    expect(sanitizeFooterHtml("Just text & more")).toEqual({
      html: "Just text & more",
      removed: false,
    });
  });
});

const SVG_NS = "http://www.w3.org/2000/svg";
const wrap = (body: string, attrs = 'width="240" height="64" viewBox="0 0 240 64"') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" ${attrs}>${body}</svg>`;

/** Parses the output the way a browser opening the file would: as a standalone XML document. */
function parseXml(svg: string) {
  const doc = new new JSDOM("").window.DOMParser().parseFromString(svg, "image/svg+xml");
  expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
  expect(doc.documentElement.namespaceURI).toBe(SVG_NS);
  return doc.documentElement;
}

describe("SVG", () => {
  it("keeps a clean drawing, gradients and case-sensitive names included", () => {
    const input = wrap(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#0b5394"/></linearGradient>' +
        '<clipPath id="c"><rect width="240" height="64"/></clipPath></defs>' +
        '<rect fill="url(#g)" clip-path="url(#c)" width="240" height="64"/>' +
        '<text x="12" y="40" style="font-weight:bold">Northbridge\u00a0&amp; Co</text>',
    );
    const { svg, removed } = sanitizeSvg(input);
    expect(removed).toBe(false);
    const root = parseXml(svg);
    expect(root.getAttribute("viewBox")).toBe("0 0 240 64");
    expect(root.getElementsByTagName("linearGradient")).toHaveLength(1);
    expect(root.getElementsByTagName("clipPath")).toHaveLength(1);
    expect(root.querySelector("rect[fill]")?.getAttribute("fill")).toBe("url(#g)");
    expect(root.querySelector("text")?.textContent).toBe("Northbridge\u00a0& Co");
  });

  it("removes scripts, event handlers and foreignObject", () => {
    const { svg, removed } = sanitizeSvg(
      wrap(
        '<script>alert(1)</script><script xlink:href="https://evil.example/x.js"/>' +
          '<rect width="10" height="10" onclick="alert(2)" onmouseover="alert(3)"/>' +
          '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(4)"/></div></foreignObject>' +
          '<animate attributeName="href" to="javascript:alert(5)"/><set attributeName="onload" to="alert(6)"/>',
        'width="10" height="10" onload="alert(0)"',
      ),
    );
    expect(removed).toBe(true);
    expect(svg).not.toMatch(/script|alert|onload|onclick|onmouseover|foreignObject|onerror/i);
    expect(parseXml(svg).getElementsByTagName("rect")).toHaveLength(1);
  });

  it("removes every external reference: links, images, url() and @import", () => {
    const { svg, removed } = sanitizeSvg(
      wrap(
        '<a xlink:href="https://evil.example/"><text>link</text></a><a href="#top"><text>top</text></a>' +
          '<image href="https://tracker.example/pixel.png" width="1" height="1"/>' +
          '<image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>' +
          '<rect fill="url(https://evil.example/p.svg#x)" stroke="url( \'//evil.example/s\' )" width="1" height="1"/>' +
          '<rect style="fill: u\\72l(https://evil.example/)" width="1" height="1"/>' +
          '<style>@import "https://evil.example/a.css";</style>' +
          "<style>.x { fill: url(#g) }</style>" +
          "<style>.ok { fill: #0b5394 }</style>",
      ),
    );
    expect(removed).toBe(true);
    expect(svg).not.toMatch(/evil|tracker|data:|url\(|@import|\\/);
    const root = parseXml(svg);
    expect(root.querySelector('a[href="#top"]')).not.toBeNull();
    expect(root.getElementsByTagName("style")).toHaveLength(1);
    expect(root.getElementsByTagName("style")[0]?.textContent).toBe(".ok { fill: #0b5394 }");
  });

  it("leaves out the XML prolog, DOCTYPE and comments, and adds the SVG namespace if missing", () => {
    const { svg } = sanitizeSvg(
      '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' +
        '<!-- made by hand --><svg viewBox="0 0 1 1"><!-- inner --><rect width="1" height="1"/></svg>',
    );
    expect(svg).toBe(`<svg xmlns="${SVG_NS}" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`);
  });

  it("gives nothing back for input that is not an SVG document", () => {
    for (const input of ["<svg><g></svg>", "<html><body>hi</body></html>", "%PDF-1.7", ""]) {
      expect(sanitizeSvg(input)).toEqual({ svg: "", removed: true });
    }
  });

  it("does not expand entities declared in a DOCTYPE", () => {
    const input =
      '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      `<svg xmlns="${SVG_NS}" viewBox="0 0 1 1"><text>&x;</text></svg>`;
    expect(parseSvgRoot(input)).toBeNull();
    expect(sanitizeSvg(input).svg).toBe("");
  });
});

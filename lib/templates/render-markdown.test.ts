// Rendering instructions once into the stored, allow-listed node list the pages show.
import { describe, expect, it } from "vitest";
import { MAX_RENDERED_DEPTH, renderMarkdown } from "./render-markdown";
import { plainRendering, RENDERED_TAGS, safeHref, type RenderedMarkdown, type RenderedNode } from "./rendered-markdown";

/** The rendering as nested arrays, easier to read in assertions: [tag, attrs?, ...children] or text. */
type Shape = string | [string, ...unknown[]];
function shape(rendered: RenderedMarkdown): Shape[] {
  const children = new Map<number, RenderedNode[]>();
  rendered.nodes.forEach((node) => children.set(node.parent, [...(children.get(node.parent) ?? []), node]));
  const build = (node: RenderedNode): Shape => {
    if ("text" in node) return node.text;
    const { tag, ...rest } = node;
    const attrs: Record<string, unknown> = { ...rest };
    delete attrs.parent;
    const index = rendered.nodes.indexOf(node);
    const kids = (children.get(index) ?? []).map(build);
    return Object.keys(attrs).length > 0 ? [tag, attrs, ...kids] : [tag, ...kids];
  };
  return (children.get(-1) ?? []).map(build);
}

const elements = (rendered: RenderedMarkdown) => rendered.nodes.filter((n) => "tag" in n);

describe("renderMarkdown", () => {
  it("renders the Markdown a checklist uses", () => {
    const rendered = renderMarkdown("Run **this**, *carefully*, ~~not that~~:\n\n```sh\nmake deploy\n```\n\n- one\n- two\n\n3. three\n4. four");
    expect(shape(rendered)).toEqual([
      ["p", "Run ", ["strong", "this"], ", ", ["em", "carefully"], ", ", ["del", "not that"], ":"],
      ["pre", ["code", "make deploy\n"]],
      ["ul", ["li", "one"], ["li", "two"]],
      ["ol", { start: 3 }, ["li", "three"], ["li", "four"]],
    ]);
  });

  it("keeps raw HTML as the literal text it is: no element is made from it", () => {
    const hostile = `<script>window.__pwned = true</script>\n\nText <img src=x onerror="window.__pwned=true"> and <b>bold</b>`;
    const rendered = renderMarkdown(hostile);
    expect(elements(rendered).map((n) => ("tag" in n ? n.tag : ""))).toEqual(["p"]);
    const text = rendered.nodes.flatMap((n) => ("text" in n ? [n.text] : [])).join("");
    expect(text).toContain("<script>window.__pwned = true</script>");
    expect(text).toContain(`<img src=x onerror="window.__pwned=true">`);
    expect(text).toContain("<b>bold</b>");
  });

  it("keeps http(s), mailto and relative links, and drops javascript:, data: and the like", () => {
    const links = (md: string) => elements(renderMarkdown(md)).filter((n) => "tag" in n && n.tag === "a");
    expect(links("[a](https://example.com/x?y=1)")).toEqual([{ parent: 0, tag: "a", href: "https://example.com/x?y=1" }]);
    expect(links("[a](mailto:ops@example.com)")[0]).toMatchObject({ href: "mailto:ops@example.com" });
    expect(links("[a](/projects/x)")[0]).toMatchObject({ href: "/projects/x" });
    for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"]) {
      expect(links(`[a](${bad})`), bad).toEqual([{ parent: 0, tag: "a" }]);
    }
  });

  it("shows an image as a link to it, by its alt text", () => {
    expect(shape(renderMarkdown("![the dashboard](https://example.com/d.png)"))).toEqual([["p", ["a", { href: "https://example.com/d.png" }, "the dashboard"]]]);
    expect(shape(renderMarkdown("![x](javascript:alert(1))"))).toEqual([["p", "x"]]);
  });

  it("makes headings bold paragraphs, task boxes checkboxes, and tables without stray whitespace", () => {
    expect(shape(renderMarkdown("## Step"))).toEqual([["heading", "Step"]]);
    expect(shape(renderMarkdown("- [x] done\n- [ ] open"))).toEqual([
      ["ul", ["li", ["checkbox", { checked: true }], " ", "done"], ["li", ["checkbox", { checked: false }], " ", "open"]],
    ]);
    expect(shape(renderMarkdown("| a | b |\n|:-|-:|\n| 1 | 2 |"))).toEqual([
      ["table", ["thead", ["tr", ["th", { align: "left" }, "a"], ["th", { align: "right" }, "b"]]], ["tbody", ["tr", ["td", { align: "left" }, "1"], ["td", { align: "right" }, "2"]]]],
    ]);
  });

  it("only ever produces the allowed tags and attributes", () => {
    const rendered = renderMarkdown("# T\n\n> q\n\n---\n\nline  \nbreak[^1]\n\n[^1]: note\n\n<div onclick=x>d</div>\n\n| x |\n|---|\n| y |");
    for (const node of rendered.nodes) {
      if ("text" in node) expect(Object.keys(node).sort()).toEqual(["parent", "text"]);
      else {
        expect(RENDERED_TAGS).toContain(node.tag);
        for (const key of Object.keys(node)) expect(["parent", "tag", "href", "start", "checked", "align"]).toContain(key);
      }
    }
  });

  it("shows nesting past the limit as its text, however deep the input goes", () => {
    const deep = renderMarkdown(`${"> ".repeat(200)}bottom`);
    let depth = 0;
    const depthOf = (i: number): number => (i < 0 ? 0 : 1 + depthOf(deep.nodes[i]!.parent));
    deep.nodes.forEach((_, i) => (depth = Math.max(depth, depthOf(i))));
    expect(depth).toBeLessThanOrEqual(MAX_RENDERED_DEPTH + 1);
    expect(deep.nodes.some((n) => "text" in n && n.text.includes("bottom"))).toBe(true);
  });

  it("keeps a run of unclosed brackets as the text it is", () => {
    expect(shape(renderMarkdown("[".repeat(500)))).toEqual([["p", "[".repeat(500)]]);
  });
});

describe("plainRendering and safeHref", () => {
  it("keeps text as written, in one plain block", () => {
    expect(shape(plainRendering("a\n<b>"))).toEqual([["plain", "a\n<b>"]]);
  });

  it("refuses every scheme but http, https and mailto, however it is spelt", () => {
    for (const ok of ["https://x", "http://x", "MAILTO:a@b", "/rel", "rel/x", "#frag", "?q=1", "x/y:z"]) expect(safeHref(ok), ok).toBe(ok);
    for (const bad of ["javascript:x", " javascript:x", "java\tscript:x", "java\nscript:x", "\u0001javascript:x", "data:x", "file:///etc/passwd", "blob:x"]) {
      expect(safeHref(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

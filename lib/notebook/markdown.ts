/**
 * Markdown to HTML for the subset the library writes (verdicts, summaries): paragraphs, `#`
 * headings, `-`/`*`/`1.` lists, **bold**, *italic*, `code` and [links](url).
 *
 * Why: an untrusted notebook (every notebook fresh from git) shows `text/markdown` outputs of the
 * classic Notebook as raw text, but renders `text/html` (sanitised). Sending both keeps verdicts
 * readable before anyone trusts the notebook. Everything is HTML-escaped first, so no text from
 * a result can inject markup.
 */

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Inline markup of one escaped line; code spans are protected from the other rules. */
function inline(escaped: string): string {
  const codes: string[] = [];
  let s = escaped.replace(/`([^`]+)`/g, (_, c: string) => `\u0000${codes.push(`<code>${c}</code>`) - 1}\u0000`);
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text: string, url: string) => (/^(https?:|mailto:|#|\.{0,2}\/)/i.test(url) ? `<a href="${url}">${text}</a>` : m));
  s = s.replace(/\*\*(?=\S)(.+?)\*\*/g, "<strong>$1</strong>");
  s = s.replace(/(^|[^*\w])\*(?=\S)([^*]+?)\*(?!\w)/g, "$1<em>$2</em>");
  s = s.replace(/(^|[^_\w])_(?=\S)([^_]+?)_(?!\w)/g, "$1<em>$2</em>");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]);
}

type Block = { kind: "p" | "ul" | "ol"; lines: string[] } | { kind: "h"; level: number; text: string };

export function markdownToHtml(md: string): string {
  const blocks: Block[] = [];
  let open: Block | null = null;
  for (const raw of md.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (line.trim() === "") {
      open = null;
    } else if (heading) {
      blocks.push({ kind: "h", level: heading[1].length, text: heading[2] });
      open = null;
    } else if (bullet || numbered) {
      const kind = bullet ? "ul" : "ol";
      if (!open || open.kind !== kind) blocks.push((open = { kind, lines: [] }));
      (open as { lines: string[] }).lines.push((bullet ?? numbered)![1]);
    } else if (open && (open.kind === "ul" || open.kind === "ol") && /^\s+/.test(raw)) {
      // an indented continuation of the last list item
      const lines = (open as { lines: string[] }).lines;
      lines[lines.length - 1] += ` ${line.trim()}`;
    } else {
      if (!open || open.kind !== "p") blocks.push((open = { kind: "p", lines: [] }));
      (open as { lines: string[] }).lines.push(line.trim());
    }
  }
  const html = blocks.map((b) => {
    if (b.kind === "h") return `<h${b.level}>${inline(escapeHtml(b.text))}</h${b.level}>`;
    if (b.kind === "p") return `<p>${b.lines.map((l) => inline(escapeHtml(l))).join("\n")}</p>`;
    return `<${b.kind}>${b.lines.map((l) => `<li>${inline(escapeHtml(l))}</li>`).join("")}</${b.kind}>`;
  });
  return `<div class="mtl-lab-markdown">${html.join("\n")}</div>`;
}

const ALLOWED = new Set(['TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TH', 'TD', 'CAPTION', 'BR']);
const SPAN_ATTRS = ['colspan', 'rowspan'];

/**
 * Chunk HTML comes from documents, so it is untrusted: only table structure and text survive
 * (no attributes but numeric col/row spans, no scripts, links, styles or images).
 */
export function sanitizeTableHtml(html: string, doc: Document = document): string {
  const template = doc.createElement('template');
  template.innerHTML = html;
  const out = doc.createElement('div');
  const copy = (from: Node, to: Node): void => {
    for (const child of Array.from(from.childNodes)) {
      if (child.nodeType === 3) {
        to.appendChild(doc.createTextNode(child.textContent ?? ''));
      } else if (child.nodeType === 1) {
        const el = child as Element;
        if (ALLOWED.has(el.tagName)) {
          const clean = doc.createElement(el.tagName.toLowerCase());
          for (const a of SPAN_ATTRS) {
            const v = el.getAttribute(a);
            if (v && /^\d{1,3}$/.test(v)) clean.setAttribute(a, v);
          }
          copy(el, clean);
          to.appendChild(clean);
        } else if (!['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE'].includes(el.tagName)) {
          copy(el, to);
        }
      }
    }
  };
  copy(template.content, out);
  return out.innerHTML;
}

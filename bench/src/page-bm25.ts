import { contentWords } from '@rag/ai';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';

export interface PageRef {
  filename: string;
  page: number;
}

/**
 * The plain baseline a RAG system must beat: BM25 (k1 1.2, b 0.75) over the raw `pdftotext` text
 * of each PDF page, one page one document, no chunking, no layout, no embeddings.
 */
export class PageBm25 {
  private readonly docs: Array<PageRef & { tf: Map<string, number>; len: number }> = [];
  private readonly df = new Map<string, number>();
  private avgLen = 0;

  static fromPdfs(files: string[]): PageBm25 {
    const index = new PageBm25();
    for (const file of files) {
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 1 << 28 }).toString('utf8');
      // pdftotext ends every page with a form feed.
      text.split('\f').forEach((pageText, i) => index.add({ filename: basename(file), page: i + 1 }, pageText));
    }
    return index;
  }

  add(ref: PageRef, text: string): void {
    const tf = new Map<string, number>();
    const words = contentWords(text);
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
    this.docs.push({ ...ref, tf, len: words.length });
    this.avgLen = this.docs.reduce((s, d) => s + d.len, 0) / this.docs.length;
  }

  search(query: string, k: number): PageRef[] {
    const n = this.docs.length;
    const terms = [...new Set(contentWords(query))];
    const scored = this.docs.map((d) => {
      let score = 0;
      for (const t of terms) {
        const f = d.tf.get(t);
        if (!f) continue;
        const df = this.df.get(t) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.len) / Math.max(1, this.avgLen)));
      }
      return { d, score };
    });
    return scored
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map(({ d }) => ({ filename: d.filename, page: d.page }));
  }
}

import type { Regions } from '@rag/contracts';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import { highlightItems } from '../lib/highlight';

/** pdf.js is loaded the first time a page is shown, not with the app. */
async function loadPdfJs() {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.js?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  return pdfjs;
}

/** Opens a PDF held in memory (the server's original of a cited document). */
export async function openPdf(data: ArrayBuffer): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfJs();
  // No eval: the page's Content-Security-Policy allows none.
  return pdfjs.getDocument({ data, isEvalSupported: false }).promise;
}

/**
 * One page of a PDF drawn by pdf.js in the browser, at the width of its box, with a text layer over
 * it (selectable text) in which the quoted passages are highlighted, and the cited chunk's regions
 * outlined (the page boxes ingestion kept). Reports how many text items it highlighted, so the
 * caller can say when the page does not hold the quotes.
 */
export function PdfPageView(props: {
  pdf: PDFDocumentProxy;
  page: number;
  quotes: string[];
  regions?: Regions;
  onRendered?: (highlighted: number) => void;
}) {
  const { pdf, page, quotes, regions = [], onRendered } = props;
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const quotesKey = quotes.join('\u0000') + JSON.stringify(regions);

  useEffect(() => {
    let cancelled = false;
    const el = box.current;
    if (!el) return;
    setError(null);
    void (async () => {
      const pdfjs = await loadPdfJs();
      const p = await pdf.getPage(page);
      if (cancelled) return;
      const base = p.getViewport({ scale: 1 });
      const scale = Math.max(0.5, (el.clientWidth || 800) / base.width);
      const viewport = p.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${viewport.width}px`;
      canvas.style.height = `${viewport.height}px`;
      const text = document.createElement('div');
      text.className = 'textLayer';
      text.style.setProperty('--scale-factor', String(scale));
      // The chunk's regions, in page coordinates turned into the drawn page's pixels.
      const marks = regions.map(([x0, y0, x1, y1]) => {
        const [a, b, c, d] = viewport.convertToViewportRectangle([x0, y0, x1, y1]);
        const mark = document.createElement('div');
        mark.className = 'region';
        mark.style.left = `${Math.min(a, c)}px`;
        mark.style.top = `${Math.min(b, d)}px`;
        mark.style.width = `${Math.abs(c - a)}px`;
        mark.style.height = `${Math.abs(d - b)}px`;
        return mark;
      });
      el.replaceChildren(canvas, ...marks, text);
      el.style.width = `${viewport.width}px`;
      el.style.height = `${viewport.height}px`;
      await p.render({
        canvasContext: canvas.getContext('2d')!,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      }).promise;
      const textDivs: HTMLElement[] = [];
      const strings: string[] = [];
      await pdfjs.renderTextLayer({
        textContentSource: await p.getTextContent(),
        container: text,
        viewport,
        textDivs,
        textContentItemsStr: strings,
      }).promise;
      if (cancelled) return;
      const marked = highlightItems(strings, quotes);
      for (const i of marked) textDivs[i]?.classList.add('highlight');
      (textDivs[Math.min(...marked)] ?? marks[0])?.scrollIntoView?.({ block: 'center' });
      onRendered?.(marked.size);
    })().catch((err: unknown) => !cancelled && setError(`Could not draw page ${page}: ${(err as Error).message}`));
    return () => {
      cancelled = true;
    };
    // quotesKey stands for quotes and regions: new arrays of the same ones draw nothing new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pdf, page, quotesKey]);

  return (
    <>
      <div ref={box} className="pdf-page" role="region" aria-label={`Page ${page} of the document`} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
